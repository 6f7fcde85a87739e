/*
 * whatsapp-once: the claim protocol, model-checked with SPIN. One inbound message, NSLOT
 * deliveries of it at a time, Meta redelivering until a 200, a Graph API that fails in every way
 * the code tells apart, status webhooks that come late or never, a clock, crashes, stalls and a
 * zombie. docs/PROTOCOL.md states the abstractions and properties and how to keep this file in
 * step with the code; scripts/model.ts runs it (npm run model).
 *
 * Switches (-D):
 *   STATUS_PROMPT             assumption A: a reached reply's status comes before its takeover
 *   STRICT_NO_DOUBLE          P1 without the documented exception
 *   LIVENESS                  tick the `tock` bit that P2's non-Zeno assumption reads
 *   SCENARIO_TTL              one late delivery meets an item whose TTL has passed (P5)
 *   COUNT_DOUBLES             model the DoubleReplies count of reconcile-status.ts (P6)
 *   OLD_DOUBLE_COUNT          mutant: the count before the fix (attempt check, complete overwrote
 *                             outboundId, a failed item refused a proof of send): misses doubles
 *   MUT_NO_LEASE_EXPIRY       mutant: the claim condition lacks the lease-run-out takeover
 *   MUT_NO_TTL_EXPIRY         mutant: the claim condition lacks `#expiresAt < :nowSeconds`
 *   MUT_NO_FENCING            mutant: settle writes are not conditioned on owner and attempt
 *   MUT_ANSWER_200_IN_FLIGHT  mutant: a duplicate that finds the message in flight answers 200
 *   MUT_RESEND_AMBIGUOUS      mutant: an ambiguous send releases the claim, so the next delivery
 *                             resends without waiting for a status
 *   MUT_STATUS_SKIPS_NOTHING  mutant: a status whose peek finds no item is let go, no consistent read
 *   MUT_PEEK_NO_DOUBLE_COUNT  mutant: a status answered from a peeked done counts no double reply
 *   MUT_PEEK_TRUSTS_FAILED    mutant: a peeked failed item is trusted as settled, no write
 *   PARTS=2                   a two-part answer (params.pml); with it the multi-part mutants:
 *   MUT_RESTART_AT_ZERO       mutant: a new owner sends a stored answer from part 0 again
 *   MUT_PARTS_AFTER_SEND      mutant: the answer is stored with partsSent = 1 after part 0 went out
 *   MUT_PARTS_SENT_UNFENCED   mutant: partsSent is written without the owner and attempt condition
 *   MUT_TAKEOVER_DROPS_PARTS  mutant: a takeover is the PutItem, which drops the stored parts
 */
#include "params.pml"
#include "store.pml"
#include "world.pml"
#include "delivery.pml"

#ifdef SCENARIO_TTL
/*
 * Meta's retries are over (7 days) and the item's TTL (at least 8 days) has passed; DynamoDB may
 * or may not have deleted it yet. One late delivery of the same message id arrives.
 */
active proctype Meta() {
  byte i;
  atomic {
    if
    :: rstate = CLAIMED
    :: rstate = UNKNOWN
    :: rstate = RELEASED
    :: rstate = DONE; reachedPart[0] = 1; answered = true
    :: rstate = FAILED; permanentSeen = true
    fi;
    if
    :: ratt = 1
    :: ratt = 2
    fi;
    rowner = NOBODY; rlease = PAST; rexpired = true; unexcused[0] = 0;
    faults = 0; zombies = 0;
    startDelivery()
  }
}

active proctype Reaper() {
end_reaper:
  atomic { rexpired && rstate != ABSENT -> rstate = ABSENT; printf("MODEL TTL deletion\n") }
}
#else
/* Meta delivers again and again until a 200; one more duplicate may still come after it. */
active proctype Meta() {
  byte i;
  bool stray = true;
end_meta:
  do
  :: atomic { !acked && !ALL_BUSY -> startDelivery() }
  :: atomic { acked && stray && !ALL_BUSY -> stray = false; startDelivery() }
  :: acked -> break
  od
}
#endif

init {
  atomic {
    byte s = 0;
    do
    :: s < NSLOT -> run Delivery(s); s++
    :: else -> break
    od
  }
}

/*
 * P2: a message whose deliveries keep being retried gets a reply to the user or a terminal
 * outcome, on every run where time keeps passing (non-Zeno); checked under weak fairness.
 */
ltl p2 { ([]<> tock && []<> !tock) -> <> (answered || permanentSeen) }
