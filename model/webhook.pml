/*
 * Queued mode: one webhook delivery (REPLY_MODE=queued). Per message the same claim condition as
 * inline, writing `queued` with the reply's inputs; 200 once the claim is durably written. A claim
 * that fails the condition answers 200 at once, unless the item can be taken over (released, or a
 * lease or grace run out: left by inline mode, or by a worker), then it claims again as the next
 * attempt, as inline mode does. No bot, no Graph call, no wait. The Lambda may crash before the
 * claim or between the claim and the answer; a store error on the claim (500) is, for Meta and the
 * item, the same as a crash before it.
 */
bool whBusy;   /* a delivery is running (one at a time: two racing claims are the inline model's) */

#define WEBHOOK_CRASH \
  atomic { FAULT(F_CRASH) -> faults--; printf("MODEL webhook: crashes\n"); goto finish }

inline answer200() {
  assert(rstate != ABSENT);   /* P3q: 200 only once the claim is durable */
  acked = true;
  printf("MODEL webhook: answers 200\n")
}

proctype Webhook() {
  byte att, round, catt;
  mtype cstate = ABSENT;
  bool won, takeover, cparts;   /* cparts: the item it lost to holds stored parts */

end_idle:
  atomic { whBusy -> att = 1; round = 0 }
#ifdef MUT_200_BEFORE_CLAIM
  atomic { answer200() };   /* mutant: the answer goes out first */
#endif

claim_round:
  if
  :: round == MAX_ROUNDS -> printf("MODEL webhook: answers 503 (contended)\n"); goto finish
  :: else
  fi;
  if
  :: WEBHOOK_CRASH
  :: atomic { claimQueued(att) }
  fi;
  if
  :: !won && takeover -> att = catt + 1; round++; goto claim_round
  :: else   /* won, or a duplicate: the worker owns the reply */
  fi;
  if
  :: WEBHOOK_CRASH
  :: atomic { answer200() }
  fi;

finish:
  atomic {
    whBusy = false; att = 0; round = 0; catt = 0; cstate = ABSENT; won = false; takeover = false; cparts = false;
    goto end_idle
  }
}
