/*
 * Queued mode: one worker invocation handling one trigger (lambda/worker.ts and lambda/redrive.ts,
 * one use case): the fenced lease on the observed attempt, the owner's send (answer-as-owner.ts),
 * the fenced settle, the re-drive, and the ack. A batch's records run concurrently and fail one by
 * one, so each is its own worker here; NSLOT of them run at once.
 * A store error on the lease, a failed SendMessage of a re-drive (both reported in
 * batchItemFailures) and an acked trigger delivered again all hand the trigger back with nothing
 * written, exactly as a crash before that step does (steps.pml), so the crash stands for them.
 */
/* A timed-out invocation no longer holds its trigger: the event source delivers it again. */
#define GIVE_BACK if :: held -> handBack(trig, sqs) :: else fi; held = false
#define ON_ZOMBIE ; GIVE_BACK
#include "steps.pml"

#define MAX_LEASE_ROUNDS 3

proctype Worker(byte me) {
  byte trig, obs, att, catt, rdAtt, round;   /* trig: the attempt the trigger observed; obs: the lease's */
  mtype result = NOTHING, cstate = ABSENT;
  bool sqs, held, won, cexpired;

end_idle:
  atomic {
    TAKE_ANY;
    obs = trig; held = true;
    busy[me] = true; dleft[me] = DEADLINE; zombie[me] = false; paused[me] = false; clease[me] = 0;
    if
    :: sqs -> printf("MODEL w%d: gets a re-drive of attempt %d\n", me, obs)
    :: else -> printf("MODEL w%d: gets the stream record of attempt %d\n", me, obs)
    fi
  };
lease_round:
  /* deliverQueued (lambda/domain/deliver-queued.ts): up to MAX_LEASE_ROUNDS leases */
  if
  :: round == MAX_LEASE_ROUNDS -> rdAtt = obs; goto redrive   /* contended */
  :: else
  fi;
  STEP(
    if
    :: LEASE_LEFT(me) < MIN_SEND -> won = false; rdAtt = obs; goto redrive   /* no time left */
    :: else -> lease(me, obs)
    fi);
  if
  :: won -> att = obs + 1; goto owner
  :: else
  fi;
  if
  :: SETTLED(cstate) -> goto ack
  /* A re-drive that came before its attempt's lease (or grace) ended: the code enqueues it again
     for when it is due and acks; here it is handed back, as if received again later (a crash
     between the two leaves two copies: a redelivery, as a crash before an ack gives). */
  :: sqs && catt == trig && obs == trig && (cstate == CLAIMED || cstate == UNKNOWN) && clease[me] >= -GRACE ->
       atomic { printf("MODEL w%d: early; the re-drive waits again\n", me); goto finish }
#ifdef CONTRACT_LOST_RULE
  /* the rule as the design contract states it: re-drive a live lease, else "someone else moved
     it on", ack */
  :: !(sqs && catt == trig && obs == trig) && (cstate == CLAIMED || cstate == UNKNOWN) && clease[me] >= -GRACE ->
       rdAtt = catt; goto redrive
  :: !SETTLED(cstate) && !((cstate == CLAIMED || cstate == UNKNOWN) && clease[me] >= -GRACE) -> goto ack
#else
  /* a live lease or grace: re-drive when it ends */
  :: !(sqs && catt == trig && obs == trig) && (cstate == CLAIMED || cstate == UNKNOWN) && clease[me] >= -GRACE ->
       rdAtt = catt; goto redrive
  /* released by another owner, which may have died before enqueuing its own re-drive */
  :: cstate == RELEASED -> rdAtt = catt; goto redrive
  /* queued again, or a dead owner's lease: lease again at the attempt it is at now */
  :: cstate == QUEUED || ((cstate == CLAIMED || cstate == UNKNOWN) && clease[me] < -GRACE) ->
       obs = catt; round++; goto lease_round
#endif
  fi;

owner:
  STEP(
    if
    :: LEASE_LEFT(me) < MIN_SEND -> result = NO_TIME   /* no time left: the retryable path */
    :: else -> graphCall(att)
    fi);
  if
  :: result == SENT -> STEP(fencedWrite(me, att, COMPLETE)); goto ack
  :: result == PERMANENT -> STEP(fencedWrite(me, att, MARK_FAILED)); goto ack
  :: result == AMBIGUOUS_SEND ->
       STEP(fencedWrite(me, att, MARK_UNKNOWN)); rdAtt = att   /* due at confirmBy */
  :: else -> STEP(fencedWrite(me, att, RELEASE)); rdAtt = att   /* due after a backoff */
  fi;
#ifdef MUT_ACK_WITHOUT_REDRIVE
  goto ack;   /* mutant: the trigger is acked and nothing will wake the message again */
#endif

redrive:
  STEP(addRedrive(rdAtt); printf("MODEL w%d: enqueues a re-drive of attempt %d\n", me, rdAtt));

ack:
  STEP(
    if
    :: held -> removeTrigger(trig, sqs); printf("MODEL w%d: acks\n", me)
    :: else -> printf("MODEL w%d: acks too late: timed out already\n", me)
    fi;
    held = false);
  goto finish;

killed:
finish:
  atomic {
    GIVE_BACK;
    busy[me] = false; zombie[me] = false; waiting[me] = false; paused[me] = false;
    dleft[me] = 0; clease[me] = 0;
    trig = 0; obs = 0; att = 0; catt = 0; rdAtt = 0; round = 0; result = NOTHING; cstate = ABSENT;
    sqs = false; won = false; cexpired = false;
    goto end_idle
  }
}
