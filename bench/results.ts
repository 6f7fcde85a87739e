import type { ColdStart } from './cold-start';
import { costChecks } from './cost-checks';
import type { CostFigures } from './cost-figures';
import type { StormFigures, ThroughputFigures } from './measure';
import type { RequestProbe } from './probe';
import type { BenchSettings } from './settings';
import { ratio } from './stats';

/** `ours` is this project in its default inline mode, `queued` the same bundles with REPLY_MODE=queued. */
export type TargetName = 'ours' | 'queued' | 'baseline' | 'none';
export const COMPARED_TARGETS = ['ours', 'queued', 'none'] as const;

/** The Lambda functions a target deploys: the webhook always; queued mode adds the worker and redrive. */
export type FunctionRole = 'webhook' | 'worker' | 'redrive';

export interface FunctionUsage {
  invocations: number;
  /** Each invocation's duration rounded up to the next 1 ms (Lambda's billing granularity), summed. */
  billedMs: number;
  /** The function's deployed memory (lib/settings.ts): GB-seconds = billedMs / 1000 * memoryMb / 1024. */
  memoryMb: number;
  /** User + system CPU time of the function's host process over the same invocations. */
  cpuMs: number;
}

/** One DynamoDB operation's requests and request units (a failed conditional write is billed as a write). */
export interface DynamoDbOperationUsage {
  requests: number;
  conditionFailed: number;
  errors: number;
  writeUnits: number;
  readUnits: number;
}

/**
 * The raw counts a target used over the storm phase (every round), for pricing per message
 * (bench/cost.ts): what API Gateway, Lambda, DynamoDB and SQS would bill. Stream reads by Lambda
 * are free and not counted; the webhook's statuses are API Gateway requests and webhook invocations.
 */
export interface TargetUsage {
  messages: number;
  /** Messages with at least one reply accepted by the Graph stub. */
  messagesAnswered: number;
  /** Every webhook POST: first deliveries, copies, Meta's redeliveries and status webhooks. */
  apiGatewayRequests: number;
  statusWebhooks: number;
  lambda: Partial<Record<FunctionRole, FunctionUsage>>;
  /** By operation (PutItem, UpdateItem, GetItem...), all functions of the target together. */
  dynamoDb: Record<string, DynamoDbOperationUsage>;
  /** Where the units come from: DynamoDB Local's own ReturnConsumedCapacity figures, see counting-proxy.ts. */
  capacityUnitsSource: string;
  /** SQS requests by operation (queued mode's re-drives): SendMessage, ReceiveMessage, DeleteMessageBatch. */
  sqs: Record<string, number>;
}

/** Lambda GB-seconds of a function's usage. */
export const gbSeconds = (f: FunctionUsage): number => (f.billedMs / 1_000) * (f.memoryMb / 1_024);

/** Lambda GB-seconds per message, every function of the target together. */
export const gbSecondsPerMessage = (usage: TargetUsage): number =>
  usage.messages === 0
    ? Number.NaN
    : Object.values(usage.lambda).reduce((total, f) => total + gbSeconds(f), 0) / usage.messages;

export interface TargetResult {
  name: TargetName;
  label: string;
  probe: RequestProbe;
  storm: StormFigures;
  /** What the storm phase used, for the cost model. */
  usage: TargetUsage;
  throughput: ThroughputFigures;
  coldStart: ColdStart;
  /** The storm priced per million messages, Meta's status webhooks included. */
  cost: CostFigures;
}

/** The storm again with a slow bot: what changes when composing a reply takes seconds. */
export interface SlowBotResult {
  name: TargetName;
  label: string;
  storm: StormFigures;
  usage: TargetUsage;
}

export interface Check {
  target: string;
  wanted: string;
  measured: string;
  /** `reported`: a figure the issue asks for without a bound. */
  met: boolean | 'reported';
}

export interface BenchResult {
  startedAt: string;
  durationSeconds: number;
  command: string;
  machine: {
    node: string;
    cpu: string;
    cores: number;
    loadAverage: { atStart: number[]; atEnd: number[]; highestOneMinute: number };
    /** Percent of the machine's CPU time used by the bench's processes and by everything else. */
    cpuShare: { benchPct: number; othersPct: number } | undefined;
  };
  versions: Record<string, string>;
  settings: BenchSettings;
  targets: Record<TargetName, TargetResult>;
  /** Each figure of this project (both modes) and of no-dedup divided by the Powertools baseline's. */
  ratios: Record<(typeof COMPARED_TARGETS)[number], Record<string, number>>;
  checks: Check[];
  /** The storm phase again with every bot taking `botDelayMs` to compose; absent when it is 0. */
  slowBot?: {
    botDelayMs: number;
    targets: Record<TargetName, SlowBotResult>;
    ratios: Record<(typeof COMPARED_TARGETS)[number], Record<string, number>>;
  };
  /** Issue #11's targets for queued mode, from this run. */
  queuedChecks: Check[];
}

/** The storm figures compared across targets in both passes, each as a ratio to the Powertools baseline. */
export const COMPARED_STORM: Record<string, (t: SlowBotResult) => number> = {
  requestsPerMessage: (t) => t.storm.requestsPerMessage,
  latencyFirstP50: (t) => t.storm.latencyFirstMs.p50,
  latencyFirstP95: (t) => t.storm.latencyFirstMs.p95,
  latencyFirstP99: (t) => t.storm.latencyFirstMs.p99,
  latencyFirstUncontendedP50: (t) => t.storm.latencyFirstUncontendedMs.p50,
  latencyFirstUncontendedP95: (t) => t.storm.latencyFirstUncontendedMs.p95,
  latencyFirstUncontendedP99: (t) => t.storm.latencyFirstUncontendedMs.p99,
  latencyCopiesP50: (t) => t.storm.latencyCopiesMs.p50,
  latencyCopiesP95: (t) => t.storm.latencyCopiesMs.p95,
  latencyCopiesP99: (t) => t.storm.latencyCopiesMs.p99,
  sendDelayP50: (t) => t.storm.sendDelayMs.p50,
  sendDelayP95: (t) => t.storm.sendDelayMs.p95,
  handlerMsPerMessage: (t) => t.storm.handlerMsPerMessage,
  gbSecondsPerMessage: (t) => gbSecondsPerMessage(t.usage),
  cpuMsPerDelivery: (t) => t.storm.cpuMsPerDelivery,
  cpuMsPerMessage: (t) => t.storm.cpuMsPerMessage,
};

export function stormRatiosTo(baseline: SlowBotResult, other: SlowBotResult): Record<string, number> {
  return ratiosOver(COMPARED_STORM, baseline, other);
}

/** The figures compared across targets, each as a ratio to the Powertools baseline. */
export const COMPARED: Record<string, (t: TargetResult) => number> = {
  ...COMPARED_STORM,
  deliveriesPerSecond: (t) => t.throughput.deliveriesPerSecond,
  messagesPerSecond: (t) => t.throughput.messagesPerSecond,
  costPerMillion: (t) => t.cost.cost.totalUsd,
  logBytesPerMessage: (t) => t.cost.logBytesPerMessage,
  bundleBytes: (t) => t.coldStart.bundleBytes,
  initMs: (t) => t.coldStart.initMsMedian,
};

export function ratiosTo(baseline: TargetResult, other: TargetResult): Record<string, number> {
  return ratiosOver(COMPARED, baseline, other);
}

function ratiosOver<T>(compared: Record<string, (t: T) => number>, baseline: T, other: T) {
  return Object.fromEntries(
    Object.entries(compared).map(([name, pick]) => [name, ratio(pick(other), pick(baseline))]),
  );
}

const x = (value: number) => `${value.toFixed(2)}x`;

/** The targets for this project's handler, checked against one run. */
export function checkTargets(ours: TargetResult, baseline: TargetResult): Check[] {
  const r = ratiosTo(baseline, ours);
  const at = (name: string) => r[name] ?? Number.NaN;
  return [
    {
      target: 'DynamoDB requests, first delivery',
      wanted: '2',
      measured: String(ours.probe.firstDelivery),
      met: ours.probe.firstDelivery === 2,
    },
    {
      target: 'DynamoDB requests, duplicate after completion',
      wanted: '1, no read',
      measured: `${ours.probe.duplicateAfterCompletion}, ${ours.probe.duplicateReads} reads`,
      met: ours.probe.duplicateAfterCompletion === 1 && ours.probe.duplicateReads === 0,
    },
    {
      target: 'extra invocations from non-2xx answers (storm)',
      wanted: '< 2 %',
      measured: `${ours.storm.extraInvocationsPct.toFixed(1)} % (Powertools ${baseline.storm.extraInvocationsPct.toFixed(1)} %)`,
      met: ours.storm.extraInvocationsPct < 2,
    },
    {
      target: 'p95 latency, first deliveries',
      wanted: '<= 0.85x',
      measured: x(at('latencyFirstP95')),
      met: at('latencyFirstP95') <= 0.85,
    },
    {
      target: 'p95 latency, copies',
      wanted: '<= 0.85x',
      measured: x(at('latencyCopiesP95')),
      met: at('latencyCopiesP95') <= 0.85,
    },
    {
      target: 'deliveries/s (saturation)',
      wanted: '>= 1.2x',
      measured: x(at('deliveriesPerSecond')),
      met: at('deliveriesPerSecond') >= 1.2,
    },
    {
      target: 'CPU per delivery',
      wanted: '<= 0.9x',
      measured: x(at('cpuMsPerDelivery')),
      met: at('cpuMsPerDelivery') <= 0.9,
    },
    {
      target: 'bundle size',
      wanted: '< 1 MB',
      measured: `${(ours.coldStart.bundleBytes / 1_000_000).toFixed(2)} MB`,
      met: ours.coldStart.bundleBytes < 1_000_000,
    },
    {
      target: 'module init (median)',
      wanted: '< 150 ms',
      measured: `${ours.coldStart.initMsMedian.toFixed(0)} ms`,
      met: ours.coldStart.initMsMedian < 150,
    },
    ...costChecks(ours, baseline),
    {
      target: 'replies: exactly one per message',
      wanted: '0 extra, 0 missing',
      measured: `${ours.storm.extraReplies + extraThroughput(ours)} extra, ${ours.storm.messagesWithoutReply} missing`,
      met:
        ours.storm.extraReplies === 0 && ours.storm.messagesWithoutReply === 0 && extraThroughput(ours) === 0,
    },
  ];
}

const extraThroughput = (t: TargetResult) => t.throughput.extraReplies;
