/*
 * Everything around the Lambda: Meta's deliveries and retries, the Graph API, status webhooks and
 * the clock; and the ghost variables the properties read (the code has none of them).
 */

/* Delivery slots: a slot runs one delivery at a time; the clock counts its timers down. */
bool busy[NSLOT];
short dleft[NSLOT];    /* deadline - now: below 0 the Lambda is killed ... */
bool zombie[NSLOT];    /* ... unless it is a zombie, stalled past its deadline and resumed anyway */
bool waiting[NSLOT];   /* in the in-flight wait: time may pass */
bool paused[NSLOT];    /* stalled between two steps: time may pass */
short wleft[NSLOT];    /* waitUntil - now, for the in-flight wait */
short clease[NSLOT];   /* the lease of the item as this delivery last saw it, minus now */

byte faults = FAULTS;  /* fault budget left */
byte zombies = ZOMBIES;

/* Ghosts. A reply is one Graph message: one part of the answer (PARTS in params.pml). */
byte reachedPart[PARTS];   /* replies that reached the user, of each part of the answer */
bool answered;             /* the last part reached the user (so every part did: P9 keeps the order) */
byte unexcused[PARTS];     /* of part p's, the ones the documented exception does not excuse */
byte unconfirmed[MAXATT];  /* bit p: part p of attempt a reached the user, no status has reconciled it */
byte pending[MAXATT];      /* bit p: ... and its status webhook is still on its way */
byte npending;             /* how many are on their way */
byte excused[MAXATT];      /* bit p: part p of attempt a was excused by the documented exception */
bool permanentSeen;        /* Graph answered a permanent error: the message is terminal */
bool acked;                /* some delivery answered 200 */
bool tock;                 /* flips on every tick (LIVENESS), for P2's non-Zeno assumption */
bool counted;              /* the code counted a DoubleReplies (COUNT_DOUBLES) */

/* P6 (COUNT_DOUBLES): the DoubleReplies count is exact once every status has come. */
inline countDouble() {
  assert(reachedPart[0] >= 2);   /* P6 (one part): never counted without two replies */
  counted = true;
  printf("MODEL status: DoubleReplies counted\n")
}


/* The Graph API call (graph-reply-sender.ts): one atomic step of the caller. */
mtype = { SENT, PERMANENT, RETRYABLE, AMBIGUOUS_SEND, NO_TIME, NOTHING };

inline reach(a, p) {
  printf("MODEL part %d of attempt %d reaches the user (%d times so far)\n", p, a, reachedPart[p] + 1);
  assert(p == 0 || reachedPart[p - 1] > 0);   /* P9: the parts reach the user in order */
#ifdef STRICT_NO_DOUBLE
  assert(reachedPart[p] == 0);   /* P1 strict: no part ever reaches the user twice */
#else
  assert(unexcused[p] == 0);     /* P1: a part a second time only after the documented exception */
#endif
  reachedPart[p]++; unexcused[p]++;
  if
  :: p == PARTS - 1 -> answered = true
  :: else
  fi;
  unconfirmed[a] = unconfirmed[a] | (1 << p); pending[a] = pending[a] | (1 << p); npending++
}

/* Part p of attempt a. */
inline graphCall(a, p) {
  if
  :: result = SENT; printf("MODEL d%d: Graph sent part %d of attempt %d\n", me, p, a); reach(a, p)
  :: result = PERMANENT; permanentSeen = true
  :: FAULT(F_RETRYABLE) -> faults--; result = RETRYABLE
  :: FAULT(F_AMBIGUOUS) -> faults--; result = AMBIGUOUS_SEND   /* timed out before it left */
  :: FAULT(F_AMBIGUOUS) -> faults--; result = AMBIGUOUS_SEND;  /* timed out after it left */
       printf("MODEL d%d: Graph call of attempt %d times out after the request left\n", me, a); reach(a, p)
  fi;
  printf("MODEL d%d: Graph call of attempt %d -> %e\n", me, a, result)
}

/*
 * Assumption A (STATUS_PROMPT): the status of a reply that reached the user is reconciled before
 * the item covering that send can be taken over by time (leaseUntil or confirmBy, plus grace).
 */
#define TAKEOVER_NEXT_TICK (rlease == -GRACE && (rstate == CLAIMED || rstate == UNKNOWN))
/*
 * The parts of the item's attempt that reached the user unreconciled and that a takeover would send
 * again: those at or after partsSent (a recorded part is never resent).
 */
#define AT_RISK (unconfirmed[ratt] & ~((1 << rsent) - 1))
#ifdef STATUS_PROMPT
#define TICK_ALLOWED !(TAKEOVER_NEXT_TICK && AT_RISK != 0)
#else
#define TICK_ALLOWED true
#endif

/* Computation takes no time: the clock ticks only while no delivery is computing. */
#define IDLE_OR_WAITING(i) (!busy[i] || waiting[i] || paused[i])
#if NSLOT == 2
#define TIME_MAY_PASS (IDLE_OR_WAITING(0) && IDLE_OR_WAITING(1))
#define ALL_BUSY (busy[0] && busy[1])
#elif NSLOT == 3
#define TIME_MAY_PASS (IDLE_OR_WAITING(0) && IDLE_OR_WAITING(1) && IDLE_OR_WAITING(2))
#define ALL_BUSY (busy[0] && busy[1] && busy[2])
#endif

#define COUNT_DOWN(x, floor) if :: (x) > (floor) -> x-- :: else fi

active proctype Clock() {
  byte i;
end_clock:
  do
  :: d_step {
       TIME_MAY_PASS && TICK_ALLOWED;
#ifdef LIVENESS
       tock = !tock;
#endif
       if
       :: TAKEOVER_NEXT_TICK && (AT_RISK & ~excused[ratt]) != 0 ->
            /* the documented exception: no status before the grace ended, a takeover may resend */
            i = 0;
            do
            :: i < PARTS ->
                 if
                 :: ((AT_RISK & ~excused[ratt]) >> i) & 1 -> excused[ratt] = excused[ratt] | (1 << i); unexcused[i]--
                 :: else
                 fi;
                 i++
            :: else -> break
            od;
            printf("MODEL clock: attempt %d may now be taken over; its reply reached the user, no status came\n", ratt)
       :: else
       fi;
       COUNT_DOWN(rlease, PAST);
       i = 0;
       do
       :: i < NSLOT ->
            if
            :: busy[i] -> COUNT_DOWN(dleft[i], -1); COUNT_DOWN(wleft[i], 0); COUNT_DOWN(clease[i], PAST)
            :: else
            fi;
            i++
       :: else -> break
       od;
       i = 0
     }
  od
}

/*
 * A sent/delivered/read status of attempt a's reply (reconcile-status.ts): the code's two steps,
 * 1. peek, an eventually consistent GetItem: any value the item has had, not only the last one:
 *    nothing (before the claim), a value the code does not trust (the claim was one), or a `done`
 *    it held while not expired (hdone), with the outboundId it held;
 * 2. a peek that found nothing is read again, consistently: the item now. A trusted `done` ends the
 *    status with no write (counting DoubleReplies when it holds another reply's id); anything else
 *    takes the conditional confirmSent of store.pml, on the item as it is by then,
 * as one atomic step. That loses no behaviour: every effect (the write, the count, the ghosts) is
 * at step 2, and a peek drawn at step 2 from everything the item has had includes every value a
 * peek drawn earlier could return, so "peek, others run, decide" is "the status comes later and
 * draws the same value".
 */
mtype = { PEEK_NOTHING, PEEK_UNTRUSTED, PEEK_DONE };
#ifdef COUNT_DOUBLES
#define OUT_NOW rout
#else
#define OUT_NOW 0
#endif
#define PEEK_DONE_AT(x) :: (hdone >> (x)) & 1 -> peeked = PEEK_DONE; pout = (x)
#ifdef MUT_PEEK_TRUSTS_FAILED
#define PEEK_FAILED :: hfailed -> peeked = PEEK_DONE; pout = 0
#else
#define PEEK_FAILED
#endif

inline peekItem() {
  if
  :: peeked = PEEK_NOTHING
  :: peeked = PEEK_UNTRUSTED
  PEEK_DONE_AT(0) PEEK_DONE_AT(1) PEEK_DONE_AT(2) PEEK_DONE_AT(3)
  PEEK_DONE_AT(4) PEEK_DONE_AT(5) PEEK_DONE_AT(6) PEEK_DONE_AT(7)
  PEEK_FAILED
  fi
}

inline settleStatus(a, p) {
#ifndef MUT_STATUS_SKIPS_NOTHING
  if
  :: peeked == PEEK_NOTHING ->   /* the consistent read */
       if
       :: rstate == ABSENT -> skip
       :: rstate == DONE && !rexpired -> peeked = PEEK_DONE; pout = OUT_NOW
       :: else -> peeked = PEEK_UNTRUSTED
       fi
  :: else
  fi;
#endif
  if
  :: peeked == PEEK_DONE ->
#if defined(COUNT_DOUBLES) && !defined(MUT_PEEK_NO_DOUBLE_COUNT)
       /* reportIfDoubleReply: a done item holding another reply's outboundId */
       if
       :: pout != 0 && pout != (a) -> countDouble()
       :: else
       fi
#else
       skip
#endif
  :: peeked == PEEK_UNTRUSTED && p == PARTS - 1 -> confirmSent(a)
  :: peeked == PEEK_UNTRUSTED && p < PARTS - 1 -> confirmPart(p)
  :: else   /* no item: nothing to settle */
  fi
}

#ifdef COUNT_DOUBLES
#define ALL_COUNTED assert(!(npending == 0 && reachedPart[0] >= 2) || counted)   /* P6: never missed */
#else
#define ALL_COUNTED skip
#endif
/* The status of one part of attempt a whose status is on its way, any of them. */
#define PICK_PART(a) if :: pending[a] & 1 -> sp = 0 :: pending[a] & 2 -> sp = 1 fi; \
                     pending[a] = pending[a] & ~(1 << sp); npending--
#define LAND(a) :: atomic { pending[a] != 0 -> PICK_PART(a); unconfirmed[a] = unconfirmed[a] & ~(1 << sp); \
                   peekItem(); printf("MODEL status of part %d of attempt %d: peek %e\n", sp, a, peeked); settleStatus(a, sp); \
                   printf("MODEL status of attempt %d reconciled: %e\n", a, rstate); ALL_COUNTED; \
                   pout = 0; peeked = PEEK_NOTHING; sp = 0 }
#if defined(STATUS_PROMPT) || !defined(LIVENESS)
#define LOSE(a)
#else
#define LOSE(a) :: atomic { pending[a] != 0 -> PICK_PART(a); printf("MODEL status of part %d of attempt %d lost\n", sp, a); sp = 0 }
#endif

/*
 * Status webhooks of replies that reached the user: late, in any order, or (without A) never.
 * A safety run needs no "never": a status that has not come yet looks the same up to any point.
 */
active proctype Statuses() {
  byte pout, sp;
  mtype peeked = PEEK_NOTHING;
end_statuses:
  do
  LAND(1) LAND(2) LAND(3) LAND(4) LAND(5) LAND(6) LAND(7)
  LOSE(1) LOSE(2) LOSE(3) LOSE(4) LOSE(5) LOSE(6) LOSE(7)
  od
}

/* Meta starts a delivery in the first free slot. */
inline startDelivery() {
  i = 0;
  do
  :: busy[i] -> i++
  :: else -> break
  od;
  busy[i] = true; dleft[i] = DEADLINE; zombie[i] = false; waiting[i] = false; paused[i] = false;
  clease[i] = 0;
  /* waitUntil = min(now + inFlightWaitMs, leaseUntil - MIN_SEND_WINDOW_MS) */
  wleft[i] = (WAIT < DEADLINE - SAFETY - MIN_SEND -> WAIT : DEADLINE - SAFETY - MIN_SEND);
  printf("MODEL meta: delivery starts in slot %d\n", i);
  i = 0
}
