/*
 * whatsapp-once, queued mode (REPLY_MODE=queued): the claim is the outbox. One inbound message;
 * Meta delivers until a 200; the webhook writes the `queued` claim and answers; the table's stream
 * and SQS re-drives wake NSLOT workers at least once; each leases, sends, settles, re-drives and
 * acks. The store, the Graph API, status webhooks, the clock and the faults are inline mode's
 * (store.pml, world.pml). docs/PROTOCOL.md, "Queued mode", states the abstractions and properties;
 * scripts/model.ts runs it beside claim.pml (npm run model).
 *
 * Switches (-D), beside those of params.pml and claim.pml that apply (STATUS_PROMPT,
 * STRICT_NO_DOUBLE, LIVENESS, MUT_NO_FENCING):
 *   CONTRACT_LOST_RULE          a lost lease re-drives only a live lease (the design contract's rule)
 *   MUT_200_BEFORE_CLAIM        mutant: the webhook answers 200 before its claim write
 *   MUT_LEASE_IGNORES_OBSERVED  mutant: the lease is not conditioned on the observed attempt
 *   MUT_ACK_WITHOUT_REDRIVE     mutant: a released or unknown message's trigger is acked, no re-drive
 */
#include "params.pml"
#include "triggers.pml"
#include "store.pml"
#include "world.pml"
#include "webhook.pml"
#include "worker.pml"

/* Meta delivers again and again until a 200; one more duplicate may still come after it. */
active proctype Meta() {
  bool stray = true;
end_meta:
  do
  :: atomic { !acked && !whBusy -> whBusy = true; printf("MODEL meta: delivers\n") }
  :: atomic { acked && stray && !whBusy -> stray = false; whBusy = true; printf("MODEL meta: delivers a stray copy\n") }
  :: acked -> break
  od
}

/*
 * P7, nothing lost: once Meta has its 200 and nothing is running or pending (no webhook, no
 * worker, no stream record, no re-drive), the reply has reached the user or the message is
 * terminal. Meta's one stray copy may still come, but nothing may rely on it.
 */
#if NSLOT == 2
#define NO_WORKER (!busy[0] && !busy[1])
#elif NSLOT == 3
#define NO_WORKER (!busy[0] && !busy[1] && !busy[2])
#endif
bool lostMessage;
active proctype NoLoss() {
end_watch:
  atomic {
    acked && !whBusy && !ANY_TRIGGER && NO_WORKER && !(answered || permanentSeen) ->
      lostMessage = true;
      assert(!lostMessage)   /* P7 */
  }
}

init {
  atomic {
    byte s = 0;
    run Webhook();
    do
    :: s < NSLOT -> run Worker(s); s++
    :: else -> break
    od
  }
}

/* P2, as inline: the message gets a reply to the user or a terminal outcome (weak fairness, non-Zeno). */
ltl p2 { ([]<> tock && []<> !tock) -> <> (answered || permanentSeen) }
