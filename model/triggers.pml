/*
 * Queued mode: what wakes a worker, as two multisets keyed by the attempt each trigger observed.
 *   - S(a): the stream record of the `queued` write of attempt a (lambda/worker.ts). One per such
 *     write: every winning write raises the attempt. The worker's own writes (claimed, released,
 *     ...) reach the stream too, but it ignores every record whose NewImage is not `queued` (the
 *     mapping's filter does the same), so they are left out.
 *   - R(a): SQS re-drives (lambda/redrive.ts) observing attempt a, as a count.
 * Delivered at least once: a worker holds its trigger while it runs, and only its ack removes it.
 * A batch item failure, a crash, or a timeout (kill or zombie) hands it back, and the event source
 * delivers it again later (the stream retries the batch; an SQS message becomes visible again);
 * an acked trigger that comes once more (shard rebalancing, SQS's rare second delivery) is a crash
 * before the ack.
 * Timing: any pending trigger may be delivered at any time, in any order. So a re-drive may come
 * before its DelaySeconds or long after; the delay saves work in the code, the model needs none of
 * it (a re-drive that comes early loses its lease and enqueues itself again). Stream order per
 * item is not kept either: a superset of what the mapping does.
 */
bool sPend[MAXATT];   /* S(a) not acked */
bool sHeld[MAXATT];   /* S(a) held by a running worker */
byte qPend[MAXATT];   /* R(a) not acked */
byte qHeld[MAXATT];   /* R(a) held by running workers */
#define QMAX 4        /* R(a) pending at once; more is a model-bound error */

/* Attempts 1 .. MAXATT - 1 (params.pml: 8). */
#define ANY_OF(x) (x[1] || x[2] || x[3] || x[4] || x[5] || x[6] || x[7])
#define ANY_TRIGGER (ANY_OF(sPend) || ANY_OF(qPend))

/* Take a visible trigger into (trig, sqs): any one, the event sources keep no order we rely on. */
#define TAKE(a) \
  :: sPend[a] && !sHeld[a] -> sHeld[a] = true; trig = a; sqs = false \
  :: qPend[a] > qHeld[a] -> qHeld[a]++; trig = a; sqs = true
#define TAKE_ANY if TAKE(1) TAKE(2) TAKE(3) TAKE(4) TAKE(5) TAKE(6) TAKE(7) fi

/* Inside the atomic step of the write or SendMessage that creates it. */
inline addStream(a) { sPend[a] = true }
inline addRedrive(a) {
  assert(qPend[a] < QMAX);   /* a model bound, not a property */
  qPend[a]++
}

/* The worker's hold ends: acked (removed), or handed back for a new delivery. */
inline removeTrigger(a, sqs) {
  if
  :: sqs -> qPend[a]--; qHeld[a]--
  :: else -> sPend[a] = false; sHeld[a] = false
  fi
}
inline handBack(a, sqs) {
  if
  :: sqs -> qHeld[a]--
  :: else -> sHeld[a] = false
  fi
}
