/*
 * The DynamoDB item of the one inbound message, and every conditional write the code makes on it
 * (lambda/adapters/dynamodb-claim-store.ts). Each write is one atomic compare-and-set, as a
 * DynamoDB conditional write is. `rlease` is leaseUntil (claimed) or confirmBy (unknown) minus
 * now, counted down by the clock and pinned at PAST once the grace has run out too.
 */
mtype = { ABSENT, QUEUED, CLAIMED, UNKNOWN, RELEASED, DONE, FAILED };  /* ClaimState, or no item */
mtype = { COMPLETE, RELEASE, MARK_UNKNOWN, MARK_FAILED, STORE_PARTS, PART_SENT };  /* fenced writes */
#define SETTLED(s) ((s) == DONE || (s) == FAILED)
#define NOBODY 255

mtype rstate = ABSENT;
byte rowner = NOBODY;  /* owner token: the slot of the delivery that claimed (PROTOCOL.md: why that is unique) */
byte ratt;             /* attempt */
short rlease;
bool rexpired;         /* expiresAt < now: the TTL has passed, the item may still be there */
bool rparts;           /* the answer's parts are stored on the item (multi-part answers only) */
byte rsent;            /* partsSent: parts recorded as sent (0 when absent) */

#ifdef COUNT_DOUBLES
byte rout;             /* outboundId: the attempt whose reply id is recorded, 0 for none */
#define SET_OUT(x) rout = (x)
#else
#define SET_OUT(x) skip
#endif

/*
 * Ghost for the status path's stale peek (reconcile-status.ts): the `done` values the item has had
 * while not expired, one bit per outboundId they held (bit rout; bit 0 without COUNT_DOUBLES).
 * An eventually consistent read may return any of them later, whatever the item holds by then.
 */
byte hdone;
#ifdef MUT_PEEK_TRUSTS_FAILED
bool hfailed;   /* the mutant trusts a peeked `failed` as settled too */
#define NOTE_FAILED hfailed = true
#else
#define NOTE_FAILED skip
#endif
#ifdef COUNT_DOUBLES
#define NOTE_DONE if :: !rexpired -> hdone = hdone | (1 << rout) :: else fi
#else
#define NOTE_DONE if :: !rexpired -> hdone = hdone | 1 :: else fi
#endif

/* Ghost: who won the latest claim (for P4; the item has no such field). */
byte lastWinner = NOBODY;
byte lastAtt;

/*
 * mirrors: claim ConditionExpression =
 * "attribute_not_exists(#pk) OR #expiresAt < :nowSeconds OR (#attempt < :attempt AND (#state = :released OR (#state IN (:claimed, :unknown) AND #leaseUntil < :takeoverBefore)))"
 */
#ifdef MUT_NO_TTL_EXPIRY
#define TTL_CLAUSE false
#else
#define TTL_CLAUSE rexpired
#endif
#ifdef MUT_NO_LEASE_EXPIRY
#define LEASE_CLAUSE false
#else
#define LEASE_CLAUSE (rlease < -GRACE)
#endif
#define CLAIM_CONDITION(a) \
  (rstate == ABSENT || TTL_CLAUSE || \
   (ratt < (a) && (rstate == RELEASED || ((rstate == CLAIMED || rstate == UNKNOWN) && LEASE_CLAUSE))))

/*
 * mirrors: fenced ConditionExpression = "#owner = :owner AND #attempt = :attempt"
 * mirrors: fenced while claimed ConditionExpression = "#owner = :owner AND #attempt = :attempt AND #state = :claimed"
 * The first guards complete; the second release, markUnknown and markFailed.
 */
#ifdef MUT_NO_FENCING
#define FENCE(me, a) true
#else
#define FENCE(me, a) (rowner == (me) && ratt == (a))
#endif

/*
 * The takeover of an item that holds stored parts is an UpdateItem, which keeps `parts` and
 * `partsSent` so that the new owner resumes where the last one stopped; it needs an item that is
 * there and not expired (the claim condition minus its first two clauses).
 * mirrors: takeover ConditionExpression = "#expiresAt >= :nowSeconds AND #attempt < :attempt AND (#state = :released OR (#state IN (:claimed, :unknown) AND #leaseUntil < :takeoverBefore))"
 */
#define TAKEOVER_CONDITION(a) \
  (rstate != ABSENT && !rexpired && ratt < (a) && \
   (rstate == RELEASED || ((rstate == CLAIMED || rstate == UNKNOWN) && LEASE_CLAUSE)))
#ifdef MUT_TAKEOVER_DROPS_PARTS
#define KEEPS_PARTS false   /* mutant: every claim is the PutItem, which replaces the whole item */
#else
#define KEEPS_PARTS cparts  /* the claimer saw stored parts: UpdateItem */
#endif
/* What the owner resumes from: the stored answer at partsSent, or a fresh compose at part 0. */
#ifdef MUT_RESTART_AT_ZERO
#define RESUME hasParts = rparts; next = 0   /* mutant: a new owner starts the stored answer over */
#else
#define RESUME hasParts = rparts; next = (rparts -> rsent : 0)
#endif

/*
 * PutItem with ReturnValuesOnConditionCheckFailure ALL_OLD: win, or get the blocking item back; or,
 * when the item seen last held stored parts, the takeover UpdateItem (ALL_OLD both ways too).
 */
inline claim(me, a) {
  if
  :: (KEEPS_PARTS && TAKEOVER_CONDITION(a)) || (!KEEPS_PARTS && CLAIM_CONDITION(a)) ->
       assert(a < MAXATT);   /* a model bound, not a property */
       rstate = CLAIMED; rowner = me; ratt = a; rlease = LEASE_LEFT(me); rexpired = false; SET_OUT(0);
       if
       :: !KEEPS_PARTS -> rparts = false; rsent = 0
       :: else
       fi;
       RESUME;
       lastWinner = me; lastAtt = a; won = true;
       printf("MODEL d%d: claims attempt %d: won\n", me, a)
  :: else ->
       won = false; snapshot(me);
       printf("MODEL d%d: claims attempt %d: lost to %e attempt %d\n", me, a, rstate, ratt)
  fi
}

/*
 * Queued mode (queued.pml). The webhook's claim: the same condition, writing `queued` with the
 * reply's inputs and no owner; the item is now also the outbox entry, and its stream record the
 * worker's trigger (emitted in the same step: a write that lands is in the stream).
 */
inline claimQueued(a) {
  if
  :: (KEEPS_PARTS && TAKEOVER_CONDITION(a)) || (!KEEPS_PARTS && CLAIM_CONDITION(a)) ->
       assert(a < MAXATT);
       rstate = QUEUED; rowner = NOBODY; ratt = a; rlease = PAST; rexpired = false;
       if
       :: !KEEPS_PARTS -> rparts = false; rsent = 0
       :: else
       fi;
       lastWinner = NOBODY; lastAtt = a; won = true;
       addStream(a);
       printf("MODEL webhook: claims attempt %d as queued: won\n", a)
  :: else ->
       won = false; cstate = rstate; catt = ratt; cparts = rparts;
       takeover = (rstate == RELEASED || ((rstate == CLAIMED || rstate == UNKNOWN) && rlease < -GRACE));
       printf("MODEL webhook: claims attempt %d: lost to %e attempt %d\n", a, rstate, ratt)
  fi
}

/*
 * The worker's send lease: one conditional UpdateItem fenced on the attempt its trigger observed,
 * ReturnValuesOnConditionCheckFailure ALL_OLD.
 * mirrors: lease ConditionExpression = "#attempt = :observed AND (#state IN (:queued, :released) OR (#state IN (:claimed, :unknown) AND #leaseUntil < :takeoverBefore))"
 */
#ifdef MUT_LEASE_IGNORES_OBSERVED
#define OBSERVED_CLAUSE(obs) true
#else
#define OBSERVED_CLAUSE(obs) (ratt == (obs))
#endif
#ifdef MUT_LEASE_IGNORES_LEASE
#define LEASE_OVER true
#else
#define LEASE_OVER (rlease < -GRACE)
#endif
#define LEASE_CONDITION(obs) \
  (OBSERVED_CLAUSE(obs) && \
   (rstate == QUEUED || rstate == RELEASED || ((rstate == CLAIMED || rstate == UNKNOWN) && LEASE_OVER)))

inline lease(me, obs) {
  if
  :: LEASE_CONDITION(obs) ->
       assert(obs + 1 < MAXATT);
       assert(ratt < obs + 1);   /* P8: every winning write raises the attempt */
       rstate = CLAIMED; rowner = me; ratt = obs + 1; rlease = LEASE_LEFT(me);
       RESUME;   /* ALL_NEW: the stored parts and partsSent come with the lease */
       lastWinner = me; lastAtt = obs + 1; won = true;
       printf("MODEL w%d: leases attempt %d (observed %d): won\n", me, obs + 1, obs)
  :: else ->
       won = false; snapshot(me);
       printf("MODEL w%d: lease on observed attempt %d lost to %e attempt %d\n", me, obs, rstate, ratt)
  fi
}

/* The item as a delivery last saw it (ALL_OLD, or a consistent GetItem). */
inline snapshot(me) {
  cstate = rstate; catt = ratt; clease[me] = rlease; cexpired = rexpired; cparts = rparts
}

/*
 * complete / release / markUnknown / markFailed, each retried by `settle` on store errors; and the
 * multi-part writes: storeParts (the answer, before its first part is sent) and partSent
 * (partsSent = next + 1 after part `next`), fenced while claimed like release. `landed` tells the
 * caller that a parts write landed.
 * mirrors: storeParts ConditionExpression = "#owner = :owner AND #attempt = :attempt AND #state = :claimed"
 * mirrors: partSent ConditionExpression = "#owner = :owner AND #attempt = :attempt AND #state = :claimed"
 */
#ifdef MUT_PARTS_SENT_UNFENCED
#define PARTS_FENCE(me, a, w) (FENCE(me, a) || w == PART_SENT)   /* mutant: partsSent on any owner */
#else
#define PARTS_FENCE(me, a, w) FENCE(me, a)
#endif
inline fencedWrite(me, a, w) {
  if
  :: FAULT(F_LOST_WRITE) ->
       faults--;   /* every retry hit a store error: nothing lands, the delivery carries on */
       printf("MODEL d%d: %e lost to store errors\n", me, w)
  :: PARTS_FENCE(me, a, w) && (w == COMPLETE || rstate == CLAIMED) ->
       assert(lastWinner == me && lastAtt == a);   /* P4: never overwrite a newer owner */
       if
       :: w == STORE_PARTS -> rparts = true;
#ifdef MUT_PARTS_AFTER_SEND
            rsent = next + 1;   /* mutant: stored with the first partsSent, after part 0 went out */
#else
            rsent = 0;
#endif
            landed = true
       :: w == PART_SENT -> rsent = next + 1; landed = true
       :: w == COMPLETE -> assert(answered);   /* P10: done only once every part reached the user */
            rstate = DONE;
#ifndef OLD_DOUBLE_COUNT
            /* SET outboundId = if_not_exists(outboundId, :id) keeps the first proof */
            SET_OUT((rout == 0 -> a : rout))
#else
            SET_OUT(a)
#endif
            ; NOTE_DONE
       :: w == RELEASE -> rstate = RELEASED
       :: w == MARK_UNKNOWN -> rstate = UNKNOWN; rlease = AMB_GRACE
       :: w == MARK_FAILED -> rstate = FAILED; NOTE_FAILED
       fi;
       printf("MODEL d%d: %e written: %e\n", me, w, rstate)
  :: else ->
       printf("MODEL d%d: %e fenced out\n", me, w)
  fi
}

/*
 * A sent/delivered/read status of attempt a's reply (reconcile-status.ts):
 * mirrors: confirmSent ConditionExpression = "attribute_exists(#pk) AND #state IN (:claimed, :unknown, :released, :failed)"
 * With COUNT_DOUBLES, also the code's DoubleReplies count when the write is refused.
 */
#ifndef OLD_DOUBLE_COUNT
/* a proof of send also settles a failed item: a reply did reach the user */
#define CONFIRMABLE (rstate == CLAIMED || rstate == UNKNOWN || rstate == RELEASED || rstate == FAILED)
#else
#define CONFIRMABLE (rstate == CLAIMED || rstate == UNKNOWN || rstate == RELEASED)
#endif
/*
 * A sent/delivered/read status of part p (not the last) of a stored answer: it proves parts 0..p
 * reached Meta, so partsSent rises to p + 1 (never falls); the state is left alone.
 * mirrors: confirmPart ConditionExpression = "attribute_exists(#parts) AND #state IN (:claimed, :unknown, :released, :failed) AND #partsSent < :partsSent"
 */
inline confirmPart(p) {
  if
  :: rparts && CONFIRMABLE && rsent < p + 1 -> rsent = p + 1
  :: else
  fi
}

inline confirmSent(a) {
  if
  :: CONFIRMABLE -> rstate = DONE; SET_OUT(a); NOTE_DONE
  :: else ->
#ifdef COUNT_DOUBLES
       /* current.state === 'done' && current.outboundId !== status.outboundId (the old count also
          required current.attempt !== origin.attempt) */
#ifndef OLD_DOUBLE_COUNT
       if
       :: rstate == DONE && rout != 0 && rout != a -> countDouble()
       :: else
       fi
#else
       if
       :: rstate == DONE && ratt != a && rout != 0 && rout != a -> countDouble()
       :: else
       fi
#endif
#else
       skip
#endif
  fi
}
