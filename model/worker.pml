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
/* The item the lease lost to, as returned: a lease or grace not run out yet ... */
#define LIVE ((cstate == CLAIMED || cstate == UNKNOWN) && clease[me] >= -GRACE)
/* ... of the very attempt this re-drive observed: it came early */
#define EARLY_REDRIVE (sqs && catt == trig && obs == trig && LIVE)
#define FORGET obs = 0; round = 0; won = false; cstate = ABSENT; catt = 0; cexpired = false; clease[me] = 0; \
  cparts = false

proctype Worker(byte me) {
  byte trig, obs, att, catt, rdAtt, round, next;   /* trig: the attempt the trigger observed; obs: the lease's */
  mtype result = NOTHING, cstate = ABSENT;
  bool sqs, held, won, cexpired, cparts, hasParts, landed;

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
  :: round == MAX_LEASE_ROUNDS -> atomic { rdAtt = obs; FORGET; goto redrive }   /* contended */
  :: else
  fi;
  STEP(
    if
    :: LEASE_LEFT(me) < MIN_SEND -> rdAtt = obs; FORGET; goto redrive   /* no time left */
    :: else -> lease(me, obs)
    fi);
  /* One local decision on what the lease returned; what it no longer needs is forgotten. */
  atomic {
    if
    :: won -> att = obs + 1; FORGET; goto owner
    :: else
    fi;
    if
    :: SETTLED(cstate) -> FORGET; goto ack
    /* A re-drive that came before its attempt's lease (or grace) ended: the code enqueues it
       again for when it is due and acks; here it is handed back, as if received again later (a
       crash between the two leaves two copies: a redelivery, as a crash before an ack gives). */
    :: EARLY_REDRIVE -> printf("MODEL w%d: early; the re-drive waits again\n", me); goto finish
#ifdef CONTRACT_LOST_RULE
    /* the rule as the design contract states it: re-drive a live lease, else "someone else
       moved it on": ack */
    :: !EARLY_REDRIVE && LIVE -> rdAtt = catt; FORGET; goto redrive
    :: !SETTLED(cstate) && !LIVE -> FORGET; goto ack
#else
    /* a live lease or grace: re-drive when it ends */
    :: !EARLY_REDRIVE && LIVE -> rdAtt = catt; FORGET; goto redrive
    /* released by another owner, which may have died before enqueuing its own re-drive */
    :: cstate == RELEASED -> rdAtt = catt; FORGET; goto redrive
    /* queued again, or a dead owner's lease: lease again at the attempt it is at now */
    :: cstate == QUEUED || ((cstate == CLAIMED || cstate == UNKNOWN) && !LIVE) ->
         obs = catt; round++; cstate = ABSENT; catt = 0; clease[me] = 0; goto lease_round
#endif
    fi
  };

owner:
#if PARTS > 1 && !defined(MUT_PARTS_AFTER_SEND)
  /* answerAsOwner, as inline: a fresh multi-part answer is stored before its first part is sent */
  if
  :: !hasParts ->
       STEP(fencedWrite(me, att, STORE_PARTS));
       if
       :: landed -> landed = false; hasParts = true
       :: else -> STEP(fencedWrite(me, att, RELEASE); rdAtt = att; att = 0; hasParts = false; next = 0); goto redrive
       fi
  :: else
  fi;
#endif
send:
  STEP(
    if
    :: LEASE_LEFT(me) < MIN_SEND -> result = NO_TIME   /* no time left: the retryable path */
    :: else -> graphCall(att, next)
    fi);
  if
  :: result == SENT && next < PARTS - 1 ->
#ifdef MUT_PARTS_AFTER_SEND
       if
       :: !hasParts -> STEP(fencedWrite(me, att, STORE_PARTS))   /* the answer and partsSent = 1 */
       :: else -> STEP(fencedWrite(me, att, PART_SENT))
       fi;
#else
       STEP(fencedWrite(me, att, PART_SENT));
#endif
       if
       :: landed -> landed = false; hasParts = true; next++; result = NOTHING; goto send
       :: else ->   /* not recorded: no release; the re-drive finds the lease and waits it out */
            atomic { rdAtt = att; att = 0; result = NOTHING; hasParts = false; next = 0 }; goto redrive
       fi
  :: result == SENT && next == PARTS - 1 -> STEP(fencedWrite(me, att, COMPLETE); att = 0; result = NOTHING; hasParts = false; next = 0); goto ack
  :: result == PERMANENT -> STEP(fencedWrite(me, att, MARK_FAILED); att = 0; result = NOTHING; hasParts = false; next = 0); goto ack
  :: result == AMBIGUOUS_SEND ->   /* the re-drive is due at confirmBy */
       STEP(fencedWrite(me, att, MARK_UNKNOWN); rdAtt = att; att = 0; result = NOTHING; hasParts = false; next = 0)
  :: else ->   /* retryable, bot threw, no time left: the re-drive is due after a backoff */
       STEP(fencedWrite(me, att, RELEASE); rdAtt = att; att = 0; result = NOTHING; hasParts = false; next = 0)
  fi;
#ifdef MUT_ACK_WITHOUT_REDRIVE
  goto ack;   /* mutant: the trigger is acked and nothing will wake the message again */
#endif

redrive:
  STEP(addRedrive(rdAtt); printf("MODEL w%d: enqueues a re-drive of attempt %d\n", me, rdAtt); rdAtt = 0);

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
    sqs = false; won = false; cexpired = false; cparts = false; hasParts = false; landed = false; next = 0;
    goto end_idle
  }
}
