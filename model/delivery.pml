/*
 * One delivery of the message through answerMessage (lambda/domain/answer-message.ts, answer-as-owner.ts): claim
 * rounds, the in-flight wait, takeover, the send with retries inside the lease, the settle write,
 * and the HTTP answer (handle-delivery.ts and http/responses.ts: 200 only for a final outcome).
 */
#include "steps.pml"

/* isInFlight: not settled, and canTakeOver(current) is false. A missing item is not in flight. */
#define CAN_TAKE_OVER \
  (cexpired || cstate == RELEASED || ((cstate == CLAIMED || cstate == UNKNOWN) && clease[me] < -GRACE))
#define IN_FLIGHT (cstate != ABSENT && !SETTLED(cstate) && !CAN_TAKE_OVER)

proctype Delivery(byte me) {
  byte att, round, tries, catt, next;   /* next: the part to send */
  mtype result = NOTHING, cstate = ABSENT;
  bool cexpired, won, cparts, hasParts, landed;

end_idle:
  atomic { busy[me] -> att = 1; round = 0 }

claim_round:
  if
  :: round == MAX_ROUNDS -> goto answer_retry   /* contended */
  :: else
  fi;
  STEP(
    if
    :: LEASE_LEFT(me) < MIN_SEND -> goto answer_retry   /* no-time-left */
    :: LEASE_LEFT(me) >= MIN_SEND && FAULT(F_STORE_ERROR) -> faults--; goto answer_store_error
    :: LEASE_LEFT(me) >= MIN_SEND -> claim(me, att)
    fi);
  if
  :: won -> goto owner
  :: else
  fi;

poll:
  if
  :: SETTLED(cstate) ->
       assert(!cexpired);   /* P5: an expired item is never taken for a duplicate */
       printf("MODEL d%d: duplicate of a settled message\n", me);
       goto answer_ok
  :: IN_FLIGHT ->
#ifdef MUT_ANSWER_200_IN_FLIGHT
       printf("MODEL d%d: finds it in flight and answers 200 (mutant)\n", me);
       goto answer_ok;
#endif
       if
       :: wleft[me] == 0 -> goto answer_retry   /* still in flight when the wait ends */
       :: else ->
            waiting[me] = true;   /* sleep, then read again */
            READ_STEP(
              if
              :: FAULT(F_STORE_ERROR) -> faults--; goto answer_store_error
              :: true -> snapshot(me)
              fi);
            goto poll
       fi
  :: !SETTLED(cstate) && !IN_FLIGHT ->
       /* released, lease run out, expired or gone: claim again as the next attempt */
       att = (cstate == ABSENT -> 1 : catt + 1);
       round++;
       goto claim_round
  fi;

owner:
  tries = 0;
#if PARTS > 1 && !defined(MUT_PARTS_AFTER_SEND)
  /* A fresh multi-part answer is stored before its first part is sent; a stored one is resumed. */
  if
  :: !hasParts ->
       STEP(fencedWrite(me, att, STORE_PARTS));
       if
       :: landed -> landed = false; hasParts = true
       :: else -> STEP(fencedWrite(me, att, RELEASE)); goto answer_retry
       fi
  :: else
  fi;
#endif
send:
  STEP(
    if
    :: LEASE_LEFT(me) < MIN_SEND -> result = NO_TIME   /* never start a call that could outlive the lease */
    :: else -> graphCall(att, next)
    fi);
  tries++;
  if
  :: result == RETRYABLE && tries < SEND_MAX -> goto send
  :: else
  fi;
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
       :: landed -> landed = false; hasParts = true; next++; tries = 0; result = NOTHING; goto send
       :: else -> goto answer_retry   /* not recorded: no release, the lease (or its status) decides */
       fi
  :: result == SENT && next == PARTS - 1 -> STEP(fencedWrite(me, att, COMPLETE)); goto answer_ok
  :: result == PERMANENT -> STEP(fencedWrite(me, att, MARK_FAILED)); goto answer_ok
  :: result == AMBIGUOUS_SEND ->
#ifdef MUT_RESEND_AMBIGUOUS
       STEP(fencedWrite(me, att, RELEASE));   /* mutant: as if the send had surely failed */
#else
       STEP(fencedWrite(me, att, MARK_UNKNOWN));
#endif
       goto answer_retry
  :: else -> STEP(fencedWrite(me, att, RELEASE)); goto answer_retry
  fi;

answer_ok:
  STEP(
    assert(answered || permanentSeen);   /* P3: 200 only once every part reached the user or it is terminal */
    acked = true;
    printf("MODEL d%d: answers 200\n", me));
  goto finish;
answer_retry:
  printf("MODEL d%d: answers 503\n", me);
  goto finish;
answer_store_error:
  printf("MODEL d%d: answers 500\n", me);
  goto finish;

killed:
finish:
  atomic {
    busy[me] = false; zombie[me] = false; waiting[me] = false; paused[me] = false;
    dleft[me] = 0; wleft[me] = 0; clease[me] = 0;
    att = 0; round = 0; tries = 0; catt = 0; result = NOTHING; cstate = ABSENT; cexpired = false;
    won = false; cparts = false; hasParts = false; landed = false; next = 0;
    goto end_idle
  }
}
