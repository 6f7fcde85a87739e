import type { ClaimOperation } from '../../lambda/domain/ports';

export type ReplyMode = 'inline' | 'queued';

/** Rates are probabilities: per Graph request, per claim attempt, or per DynamoDB request, as named. */
export interface FaultPlan {
  name: string;
  /** One line: what goes wrong. */
  summary: string;
  graph?: {
    /** Per request: HTTP 500 (half with Graph code 131000, half a bare gateway 500). */
    error500?: number;
    /** Per request: HTTP 400 with code 130429 (throughput reached). */
    throttle?: number;
    /** Per message: every send fails with 131047 (24 h window closed): a terminal failure. */
    permanentMessages?: number;
    /** Per message: every send of the first owner (attempt 1 inline, 2 queued) fails with HTTP 500: released. */
    failFirstAttempt?: number;
    /** Per attempt: the reply is delivered at once, the HTTP answer comes after `slowAnswerMs`. */
    slow?: number;
    /** Per attempt: the request hangs and the reply is lost. */
    hangLost?: number;
    /** Per attempt: the request hangs, the reply was delivered. */
    hangDelivered?: number;
    /** Graph down: every `everyMs`, for `forMs`, every request answers HTTP 503. */
    outage?: { everyMs: number; forMs: number };
  };
  /** Queued mode: what the stream mapping does to a batch (see worker-faults.ts). */
  stream?: {
    /** Per batch: handed to a second invocation at once. */
    redeliver?: number;
    /** Per batch: retried after the worker handled it. */
    retry?: number;
    /** Per batch of 2+: the invocation dies once one record settled. */
    dieMidBatch?: number;
  };
  /** Queued mode: what SQS does to a re-drive. */
  redrive?: {
    /** Per re-drive: delivered at once, ignoring its delay. */
    early?: number;
    /** Per re-drive: delivered twice. */
    duplicate?: number;
  };
  /** Per message: it arrives with its 24 h reply window closed (terminal window-closed, not a miss). */
  window?: { closed: number };
  /** The reply modes the plan applies to (default both). */
  modes?: ReplyMode[];
  lambda?: {
    /** Per attempt: the invocation dies after the claim, before the Graph request leaves. */
    dieBeforeSend?: number;
    /** Per attempt: the invocation dies after Graph accepted the reply, before the completion write. */
    dieAfterSend?: number;
    /** Per attempt: the claim's answer is held until the claim was taken over (the zombie then resumes). */
    zombieClaim?: number;
    /** Per claim won: the owner stalls between its claim and its send until the claim was taken over. */
    zombieBeforeSend?: number;
    /** Per attempt: the completion write's answer is held until someone else settled or took over. */
    zombieComplete?: number;
  };
  dynamo?: {
    operations: ClaimOperation[];
    /** Per HTTP request to one of `operations`: throttled. */
    throttle: number;
    /** Outage windows: every `everyMs`, `forMs` during which every such request fails with HTTP 500. */
    outage?: { everyMs: number; forMs: number };
  };
  /** How late Meta delivers status webhooks after Graph accepted a reply (default 20-150 ms). */
  statusDelayMs?: [number, number];
  /** Set on a plan that demonstrates the documented exception: duplicates are expected there. */
  expectsDuplicates?: string;
}

const OUTAGE = { everyMs: 5_000, forMs: 1_500 };

export const PLANS: FaultPlan[] = [
  { name: 'baseline', summary: 'no faults: Meta duplicates only' },
  { name: 'graph-500', summary: '5 % of Graph calls answer HTTP 500', graph: { error500: 0.05 } },
  { name: 'graph-throttle', summary: '3 % of Graph calls answer 400 / 130429', graph: { throttle: 0.03 } },
  {
    name: 'graph-permanent',
    summary: '5 % of messages always get 131047',
    graph: { permanentMessages: 0.05 },
  },
  { name: 'graph-slow', summary: '5 % of answers come after the lease', graph: { slow: 0.05 } },
  { name: 'graph-hang-lost', summary: '5 % of calls hang, reply lost', graph: { hangLost: 0.05 } },
  {
    name: 'graph-hang-delivered',
    summary: '5 % of calls hang, reply delivered',
    graph: { hangDelivered: 0.05 },
  },
  {
    name: 'lambda-die-before-send',
    summary: '5 % of owners die after the claim, before the send',
    lambda: { dieBeforeSend: 0.05 },
  },
  {
    name: 'lambda-die-after-send',
    summary: '5 % of owners die after the send, before completion',
    lambda: { dieAfterSend: 0.05 },
  },
  {
    name: 'lambda-zombie',
    summary: '3+3+3 % of owners pause (claim answer, before send, completion), resume late',
    lambda: { zombieClaim: 0.03, zombieBeforeSend: 0.03, zombieComplete: 0.03 },
  },
  {
    name: 'dynamodb-claim',
    summary: 'PutItem claim: 10 % throttled, 1.5 s outage every 5 s',
    dynamo: { operations: ['claim'], throttle: 0.1, outage: OUTAGE },
  },
  {
    name: 'dynamodb-complete',
    summary: 'UpdateItem complete: 10 % throttled, 1.5 s outage every 5 s',
    dynamo: { operations: ['complete'], throttle: 0.1, outage: OUTAGE },
  },
  {
    name: 'dynamodb-release',
    summary: 'UpdateItem release: 10 % throttled, outages; 20 % of first attempts fail at Graph',
    graph: { failFirstAttempt: 0.2 },
    dynamo: { operations: ['release'], throttle: 0.1, outage: OUTAGE },
  },
  {
    name: 'graph-down',
    summary: 'Graph down: every call answers 503 for 2 s of every 6 s',
    graph: { outage: { everyMs: 6_000, forMs: 2_000 } },
  },
  {
    name: 'window-closed',
    summary: '5 % of messages arrive 30 s short of 24 h old: their reply window closes (expected terminal)',
    window: { closed: 0.05 },
  },
  {
    name: 'worker-die-mid-batch',
    summary: '30 % of stream batches: the worker dies once one record settled, the rest cut off anywhere',
    stream: { dieMidBatch: 0.3 },
    modes: ['queued'],
  },
  {
    name: 'stream-redeliver',
    summary: '30 % of stream batches go to two invocations at once; 30 % are retried after success',
    stream: { redeliver: 0.3, retry: 0.3 },
    modes: ['queued'],
  },
  {
    name: 'redrive-race',
    summary:
      '20 % of first attempts fail at Graph; half the re-drives come at once, 20 % twice; 30 % of batches retried',
    graph: { failFirstAttempt: 0.2 },
    redrive: { early: 0.5, duplicate: 0.2 },
    stream: { retry: 0.3 },
    modes: ['queued'],
  },
  {
    name: 'mixed',
    summary: 'every fault above at once, at lower rates',
    graph: {
      error500: 0.02,
      throttle: 0.02,
      permanentMessages: 0.02,
      failFirstAttempt: 0.05,
      slow: 0.02,
      hangLost: 0.02,
      hangDelivered: 0.02,
    },
    lambda: {
      dieBeforeSend: 0.02,
      dieAfterSend: 0.02,
      zombieClaim: 0.01,
      zombieBeforeSend: 0.01,
      zombieComplete: 0.01,
    },
    stream: { redeliver: 0.05, retry: 0.05, dieMidBatch: 0.05 },
    redrive: { early: 0.2, duplicate: 0.05 },
    window: { closed: 0.02 },
    dynamo: {
      operations: ['claim', 'complete', 'release'],
      throttle: 0.05,
      outage: { everyMs: 7_000, forMs: 1_000 },
    },
  },
  {
    name: 'exception-late-status',
    summary: '5 % of calls hang after delivery; statuses come 6-7 s late (past the 4 s + 1 s grace)',
    graph: { hangDelivered: 0.05 },
    statusDelayMs: [6_000, 7_000],
    expectsDuplicates:
      'README "Ambiguous sends": a status later than the grace cannot stop the guarded resend',
  },
];

export const appliesTo = (plan: FaultPlan, mode: ReplyMode): boolean => plan.modes?.includes(mode) ?? true;

export function planNamed(name: string): FaultPlan {
  const plan = PLANS.find((p) => p.name === name);
  if (!plan) throw new Error(`unknown plan "${name}"; plans: ${PLANS.map((p) => p.name).join(', ')}`);
  return plan;
}
