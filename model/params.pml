/*
 * Bounds and abstract timing of the model. Times are ticks of the model clock, not milliseconds:
 * only the order relations of the code's defaults matter (lambda/config/config.ts DEFAULTS), and
 * those are kept here:
 *   lease = deadline - SAFETY, takeover once leaseUntil < now - GRACE, SAFETY <= GRACE
 *     (2 s <= 3 s): a Lambda that is not a zombie is dead when its claim can be taken over;
 *   AMB_GRACE > GRACE (30 s > 3 s): an ambiguous send waits longer than a crashed one;
 *   a duplicate waits at most WAIT and never past leaseUntil - MIN_SEND.
 * Computation takes no time: the clock ticks only while every running delivery waits (the
 * in-flight poll) or is paused (a fault with a budget). So a Lambda outlives its lease only when
 * paused, as in the code, whose every wait and call is planned inside the lease.
 * Every fault has a budget so that the state space is finite and "keeps being retried" can end
 * in success: after the budgets are spent the world behaves.
 */
#ifndef NSLOT
#define NSLOT 2            /* deliveries of the message that can run at once */
#endif
#define DEADLINE 3         /* ticks from a delivery's start to its Lambda deadline */
#define SAFETY 1           /* leaseSafetyMs */
#define GRACE 1            /* takeoverGraceMs */
#define AMB_GRACE 2        /* ambiguousGraceMs */
#define WAIT 1             /* inFlightWaitMs */
#define MIN_SEND 1         /* MIN_SEND_WINDOW_MS (+ SEND_MARGIN_MS): no call starts with less lease left */
#define PAST (-GRACE - 1)  /* relative times saturate here: the lease ended, grace included */
#define LEASE_LEFT(i) (dleft[i] - SAFETY)   /* leaseUntil - now of the delivery in slot i */

#define MAX_ROUNDS 4       /* MAX_CLAIM_ROUNDS */
#define SEND_MAX 2         /* sendMaxAttempts (3 by default; 2 keeps a retry in the model) */
#define MAXATT 8           /* attempt numbers the model can hold; a bigger one is a model-bound error */

/*
 * Parts of the bot's answer, sent in order as one Graph message each (1 or 2). One part takes the
 * single-part path of the code (no parts write: the claim and the settle writes as before); two
 * parts take the multi-part path: the answer is stored on the record before its first part is
 * sent, `partsSent` is recorded after each part, and a new owner resumes there.
 */
#ifndef PARTS
#define PARTS 1
#endif

/*
 * Faults share one budget, so every combination of up to FAULTS of them is explored. A kind can be
 * switched off (-DF_CRASH=0 ...) to look at the others alone.
 */
#ifndef FAULTS
#define FAULTS 2
#endif
#ifndef F_CRASH
#define F_CRASH 1          /* the Lambda crashes before any step of a delivery */
#endif
#ifndef F_RETRYABLE
#define F_RETRYABLE 1      /* a retryable Graph error (definitely not sent) */
#endif
#ifndef F_AMBIGUOUS
#define F_AMBIGUOUS 1      /* a Graph timeout, before or after the request left */
#endif
#ifndef F_LOST_WRITE
#define F_LOST_WRITE 1     /* a settle write whose every retry hit a store error */
#endif
#ifndef F_STORE_ERROR
#define F_STORE_ERROR 1    /* a store error on the claim or a read: the delivery answers 500 */
#endif
#ifndef F_PAUSE
#define F_PAUSE 1          /* a delivery stalls between two steps (GC, slow network) while time passes */
#endif
#ifndef ZOMBIES
#define ZOMBIES 1          /* stalls past the deadline that end in a zombie instead of a kill */
#endif
#define FAULT(kind) (faults > 0 && (kind))
