/**
 * What `npm run model` checks: the faithful model must satisfy every property, the documented
 * exception must show up exactly when its assumption is dropped, and every mutant must be caught.
 * The switches are described in model/claim.pml and model/queued.pml; the properties in
 * docs/PROTOCOL.md.
 */

export type Property =
  | 'P1'
  | 'P1-strict'
  | 'P2'
  | 'P3'
  | 'P3q'
  | 'P4'
  | 'P5'
  | 'P6'
  | 'P7'
  | 'P8'
  | 'P9'
  | 'P10';

export interface Check {
  name: string;
  /** The top-level model: inline mode (the default) or queued mode. */
  model?: 'claim.pml' | 'queued.pml';
  /** What the run shows, in one line. */
  claim: string;
  /** -D switches for spin (and so for the replay of a trail). */
  defines: string[];
  /** liveness: pan -a -f with the LTL claim p2; safety: assertions only. */
  mode: 'safety' | 'liveness';
  /** Properties whose violation counts as the expected verdict; empty: every property must hold. */
  violatedBy: Property[];
  /** A line the counter-example trail must contain, to show it is the failure we mean. */
  trailMentions?: string;
  /** Printed with the verdict: why an expected violation is not a mutant. */
  note?: string;
  /** Large state spaces are stored compressed (pan -DCOLLAPSE): slower per state, far less memory. */
  collapse?: boolean;
  /**
   * Too long for every CI run (over ten minutes of one core): run by `MODEL_LONG=1 npm run model` or
   * a MODEL_ONLY that names it; the default run lists it as not run, so it is never silently absent.
   */
  long?: boolean;
}

const EXCEPTION_LINE = 'no status came';

/** Queued mode (REPLY_MODE=queued): the webhook's outbox claim, the stream, the worker, re-drives. */
const QUEUED_CHECKS: Check[] = (
  [
    {
      name: 'queued: safety, two faults',
      claim: 'P1 but the exception, P3q 200 once durable, P4, P7 nothing lost, P8; no stall',
      defines: ['F_PAUSE=0'],
      mode: 'safety',
      violatedBy: [],
      collapse: true,
    },
    {
      name: 'queued: safety, one fault',
      claim: 'the same with any one fault, a stall (then a kill or a zombie) included',
      defines: ['FAULTS=1'],
      mode: 'safety',
      violatedBy: [],
      collapse: true,
    },
    {
      name: 'queued: under assumption A',
      claim: 'P1 strict: with statuses in time, never two replies that reached the user; no stall',
      defines: ['STATUS_PROMPT', 'STRICT_NO_DOUBLE', 'F_PAUSE=0'],
      mode: 'safety',
      violatedBy: [],
      collapse: true,
    },
    {
      name: 'queued: liveness',
      claim: 'P2 every message gets a reply or a terminal outcome (weak fairness, non-Zeno); one fault',
      defines: ['LIVENESS', 'FAULTS=1'],
      mode: 'liveness',
      violatedBy: [],
    },
    {
      name: 'queued: exception',
      claim: 'without A, a worker that stalls or dies after its send, status late, gets a second reply',
      defines: ['STRICT_NO_DOUBLE'],
      mode: 'safety',
      violatedBy: ['P1-strict'],
      trailMentions: EXCEPTION_LINE,
    },
    {
      name: 'queued: contract lost-lease rule',
      claim: 'a lost lease that re-drives only a live lease (as the design contract put it) loses one',
      defines: ['CONTRACT_LOST_RULE'],
      mode: 'safety',
      violatedBy: ['P7'],
      note: 'the code re-drives a released item and leases a dead owner\'s again (PROTOCOL.md, "Queued mode")',
    },
    {
      name: 'queued mutant: 200 before claim',
      claim: 'the webhook answers 200 before its claim write',
      defines: ['MUT_200_BEFORE_CLAIM'],
      mode: 'safety',
      violatedBy: ['P3q'],
    },
    {
      name: 'queued mutant: no fencing',
      claim: 'the worker settles without the owner and attempt condition',
      defines: ['MUT_NO_FENCING'],
      mode: 'safety',
      violatedBy: ['P4', 'P1'],
    },
    {
      name: 'queued mutant: lease unfenced',
      claim: 'a re-drive or stream retry leases without the observed attempt: attempts repeat',
      defines: ['MUT_LEASE_IGNORES_OBSERVED'],
      mode: 'safety',
      violatedBy: ['P8'],
    },
    {
      name: 'queued mutant: lease over live',
      claim: 'the lease takes a claimed or unknown item whose lease and grace have not run out',
      defines: ['MUT_LEASE_IGNORES_LEASE'],
      mode: 'safety',
      violatedBy: ['P1'],
    },
    {
      name: 'queued mutant: ack, no re-drive',
      claim: "a released or unknown message's trigger is acked with no re-drive enqueued",
      defines: ['MUT_ACK_WITHOUT_REDRIVE'],
      mode: 'safety',
      violatedBy: ['P7'],
    },
  ] satisfies Omit<Check, 'model'>[]
).map((check) => ({ ...check, model: 'queued.pml' }));

/**
 * A two-part answer (PARTS=2): stored before its first part is sent, partsSent recorded after each
 * part, resumed there by a new owner, each part settled by its own status. One fault of any kind:
 * two faults with two parts are too many states for a shared machine (PROTOCOL.md, "Multi-part").
 */
const PARTS_CHECKS: Check[] = [
  {
    name: 'parts: safety',
    claim: 'P1 no part twice but the exception, P9 in order, P10 none lost when done, P3, P4; one fault',
    defines: ['PARTS=2', 'FAULTS=1'],
    mode: 'safety',
    violatedBy: [],
    collapse: true,
  },
  {
    name: 'parts: under assumption A',
    claim: 'P1 strict: with statuses in time, no part ever reaches the user twice; one fault',
    defines: ['PARTS=2', 'FAULTS=1', 'STATUS_PROMPT', 'STRICT_NO_DOUBLE'],
    mode: 'safety',
    violatedBy: [],
    collapse: true,
  },
  {
    name: 'parts: liveness',
    claim: 'P2 every part reaches the user or the message is terminal (weak fairness); one fault',
    defines: ['PARTS=2', 'FAULTS=1', 'LIVENESS'],
    mode: 'liveness',
    violatedBy: [],
  },
  {
    name: 'parts mutant: new owner restarts at part 0',
    claim: 'a takeover sends the stored answer from its first part again',
    defines: ['PARTS=2', 'MUT_RESTART_AT_ZERO'],
    mode: 'safety',
    violatedBy: ['P1'],
  },
  {
    name: 'parts mutant: parts stored after the first send',
    claim: 'the answer is stored (with partsSent = 1) only after part 0 went out; under A',
    defines: ['PARTS=2', 'MUT_PARTS_AFTER_SEND', 'STATUS_PROMPT', 'STRICT_NO_DOUBLE'],
    mode: 'safety',
    violatedBy: ['P1-strict'],
  },
  {
    name: 'parts mutant: partsSent unfenced',
    claim: 'partsSent is written without the owner and attempt condition',
    defines: ['PARTS=2', 'MUT_PARTS_SENT_UNFENCED'],
    mode: 'safety',
    violatedBy: ['P4', 'P1'],
  },
  {
    name: 'parts mutant: takeover drops the parts',
    claim: "a takeover is today's PutItem, which replaces the item and its stored answer",
    defines: ['PARTS=2', 'MUT_TAKEOVER_DROPS_PARTS'],
    mode: 'safety',
    violatedBy: ['P1'],
  },
  {
    name: 'queued parts: safety',
    model: 'queued.pml',
    claim: 'queued mode, two parts: P1, P9, P10, P3q, P4, P7, P8; one fault of any kind',
    defines: ['PARTS=2', 'FAULTS=1'],
    mode: 'safety',
    violatedBy: [],
    collapse: true,
  },
  {
    name: 'queued parts: liveness',
    model: 'queued.pml',
    claim: 'queued mode, two parts: P2 every message gets all its parts or a terminal outcome; one fault',
    defines: ['PARTS=2', 'LIVENESS', 'FAULTS=1'],
    mode: 'liveness',
    violatedBy: [],
    collapse: true,
    long: true,
  },
  {
    name: 'queued parts: under assumption A',
    model: 'queued.pml',
    claim: 'queued mode, two parts, statuses in time: no part twice (P1 strict); one fault, no stall',
    defines: ['PARTS=2', 'FAULTS=1', 'F_PAUSE=0', 'STATUS_PROMPT', 'STRICT_NO_DOUBLE'],
    mode: 'safety',
    violatedBy: [],
    collapse: true,
  },
  {
    name: 'queued parts mutant: new owner restarts at part 0',
    model: 'queued.pml',
    claim: 'a worker that leases a stored answer sends it from its first part again',
    defines: ['PARTS=2', 'MUT_RESTART_AT_ZERO'],
    mode: 'safety',
    violatedBy: ['P1'],
  },
  {
    name: 'queued parts mutant: takeover drops the parts',
    model: 'queued.pml',
    claim: "the webhook's takeover of a released record is the PutItem, which drops the stored answer",
    defines: ['PARTS=2', 'MUT_TAKEOVER_DROPS_PARTS'],
    mode: 'safety',
    violatedBy: ['P1'],
  },
];

export const CHECKS: Check[] = [
  {
    name: 'faithful: safety',
    claim: 'P1 no double reply but the documented exception, P3 200 only when final, P4 fencing',
    defines: [],
    mode: 'safety',
    violatedBy: [],
    collapse: true,
  },
  {
    name: 'faithful: under assumption A',
    claim: 'P1 strict: with statuses in time, never two replies that reached the user',
    defines: ['STATUS_PROMPT', 'STRICT_NO_DOUBLE'],
    mode: 'safety',
    violatedBy: [],
  },
  {
    name: 'faithful: liveness',
    claim: 'P2 a retried message gets a reply or a terminal outcome (weak fairness, non-Zeno)',
    defines: ['LIVENESS'],
    mode: 'liveness',
    violatedBy: [],
  },
  {
    name: 'faithful: TTL',
    claim: 'P5 an expired item acts as a deleted one, whatever the TTL reaper has done',
    defines: ['SCENARIO_TTL'],
    mode: 'safety',
    violatedBy: [],
  },
  {
    name: 'faithful: doubles counted',
    claim: 'P6 every double reply is counted once all statuses came, never a false one',
    defines: ['COUNT_DOUBLES'],
    mode: 'safety',
    violatedBy: [],
    collapse: true,
  },
  {
    name: 'mutant: old double count',
    claim: 'P6 the count before the fix (PROTOCOL.md, "Findings") misses a double reply',
    defines: ['COUNT_DOUBLES', 'OLD_DOUBLE_COUNT'],
    mode: 'safety',
    violatedBy: ['P6'],
  },
  {
    name: 'exception: crash after send',
    claim: 'without A, a stalled or crashed sender whose status is late gets a second reply',
    defines: ['STRICT_NO_DOUBLE', 'F_AMBIGUOUS=0'],
    mode: 'safety',
    violatedBy: ['P1-strict'],
    trailMentions: EXCEPTION_LINE,
  },
  {
    name: 'exception: timed-out send',
    claim: 'without A, a timed-out send whose status is later than the ambiguous grace is resent',
    defines: ['STRICT_NO_DOUBLE', 'F_CRASH=0', 'F_PAUSE=0', 'F_LOST_WRITE=0'],
    mode: 'safety',
    violatedBy: ['P1-strict'],
    trailMentions: EXCEPTION_LINE,
  },
  {
    name: 'mutant: no lease expiry',
    claim: 'a crashed claim is never taken over',
    defines: ['LIVENESS', 'MUT_NO_LEASE_EXPIRY'],
    mode: 'liveness',
    violatedBy: ['P2'],
  },
  {
    name: 'mutant: no TTL expiry',
    claim: 'an expired item that DynamoDB has not deleted yet still counts',
    defines: ['SCENARIO_TTL', 'MUT_NO_TTL_EXPIRY'],
    mode: 'safety',
    violatedBy: ['P5'],
  },
  {
    name: 'mutant: no fencing',
    claim: 'settle writes not conditioned on owner and attempt',
    defines: ['MUT_NO_FENCING'],
    mode: 'safety',
    violatedBy: ['P4', 'P1'],
  },
  {
    name: 'mutant: 200 while in flight',
    claim: 'a duplicate that finds the message in flight answers 200',
    defines: ['MUT_ANSWER_200_IN_FLIGHT'],
    mode: 'safety',
    violatedBy: ['P3'],
  },
  {
    name: 'mutant: resend on ambiguous',
    claim: 'an ambiguous send is released, so the next delivery resends without waiting for a status',
    defines: ['MUT_RESEND_AMBIGUOUS'],
    mode: 'safety',
    violatedBy: ['P1'],
  },
  {
    name: 'mutant: status skips a missing record',
    claim: 'a status whose stale peek finds no item is let go without the consistent read',
    defines: ['MUT_STATUS_SKIPS_NOTHING'],
    mode: 'safety',
    violatedBy: ['P1'],
  },
  {
    name: 'mutant: peek does not count doubles',
    claim: 'a status answered from a peeked done does not check the outboundId it holds',
    defines: ['COUNT_DOUBLES', 'MUT_PEEK_NO_DOUBLE_COUNT'],
    mode: 'safety',
    violatedBy: ['P6'],
  },
  {
    name: 'mutant: peek trusts failed',
    claim: 'a status skips the write when the peek shows a failed item, as if settled',
    defines: ['COUNT_DOUBLES', 'MUT_PEEK_TRUSTS_FAILED'],
    mode: 'safety',
    violatedBy: ['P6'],
  },
  ...QUEUED_CHECKS,
  ...PARTS_CHECKS,
];
