import { type RequestCounts, readRequests, totalRequests } from './counting-proxy';
import type { Delivery, DeliveryKind } from './deliveries';
import { type Percentiles, percentiles, ratio, sum } from './stats';
import { type MessagePlan, plannedDeliveries } from './workload';

/** What one target did in one phase of one round, before figures are drawn from it. */
export interface PhaseSample {
  plans: MessagePlan[];
  deliveries: Delivery[];
  requests: RequestCounts;
  cpuMs: number;
  wallMs: number;
  /** The wamid each accepted Graph reply quoted. */
  repliesTo: (string | undefined)[];
  /** Queued mode: each invocation of the worker and redrive functions meanwhile, its duration in ms. */
  queuedInvocations: Partial<Record<QueuedFunction, number[]>>;
  queuedCpuMs: Partial<Record<QueuedFunction, number>>;
  /** SQS requests meanwhile, by operation. */
  sqs: Record<string, number>;
  /** Per answered message: from its first delivery's start to the Graph stub receiving its reply. */
  sendDelaysMs: number[];
}

export type QueuedFunction = 'worker' | 'redrive';

export interface StormFigures {
  messages: number;
  plannedDeliveries: number;
  deliveries: number;
  /** Deliveries Meta made again because an answer was not 2xx. */
  redeliveries: number;
  extraInvocationsPct: number;
  statuses: Record<string, number>;
  /** Messages with no 2xx answer at the end (Meta would keep retrying). */
  unsettledMessages: number;
  requests: RequestCounts;
  requestsPerMessage: number;
  requestsPerDelivery: number;
  writesPerMessage: number;
  readsPerMessage: number;
  latencyFirstMs: Percentiles;
  /** First deliveries of messages without a simultaneous copy: no race for the claim. */
  latencyFirstUncontendedMs: Percentiles;
  latencyCopiesMs: Percentiles;
  latencyByKindMs: Partial<Record<DeliveryKind, Percentiles>>;
  cpuMsPerDelivery: number;
  cpuMsPerMessage: number;
  /** Summed handler time of every delivery of a message: what Lambda bills, per message. */
  handlerMsPerMessage: number;
  /** From a message's first delivery to its reply reaching Graph: the user's wait, in both modes. */
  sendDelayMs: Percentiles;
  repliesPerMessage: number;
  messagesWithoutReply: number;
  extraReplies: number;
}

export interface ThroughputFigures {
  messages: number;
  deliveries: number;
  redeliveries: number;
  wallMs: number;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  unsettledMessages: number;
  cpuMsPerDelivery: number;
  messagesWithoutReply: number;
  extraReplies: number;
}

export function stormFigures(samples: PhaseSample[]): StormFigures {
  const plans = samples.flatMap((s) => s.plans);
  const deliveries = samples.flatMap((s) => s.deliveries);
  const requests = mergeCounts(samples.map((s) => s.requests));
  const replies = replyCounts(samples.flatMap((s) => s.repliesTo));
  const redeliveries = deliveries.filter((d) => d.kind === 'redelivery').length;
  const planned = plannedDeliveries(plans);
  const kinds = [...new Set(deliveries.map((d) => d.kind))];
  const raced = new Set(
    plans.filter((p) => p.copies.some((c) => c.timing === 'simultaneous')).map((p) => p.index),
  );
  const statuses: Record<string, number> = {};
  for (const d of deliveries) statuses[d.status] = (statuses[d.status] ?? 0) + 1;
  return {
    messages: plans.length,
    plannedDeliveries: planned,
    deliveries: deliveries.length,
    redeliveries,
    extraInvocationsPct: 100 * ratio(redeliveries, planned),
    statuses,
    unsettledMessages: unsettled(plans, deliveries),
    requests,
    requestsPerMessage: ratio(totalRequests(requests), plans.length),
    requestsPerDelivery: ratio(totalRequests(requests), deliveries.length),
    writesPerMessage: ratio(totalRequests(requests) - readRequests(requests), plans.length),
    readsPerMessage: ratio(readRequests(requests), plans.length),
    latencyFirstMs: percentiles(deliveries.filter((d) => d.kind === 'first').map((d) => d.ms)),
    latencyFirstUncontendedMs: percentiles(
      deliveries.filter((d) => d.kind === 'first' && !raced.has(d.message)).map((d) => d.ms),
    ),
    latencyCopiesMs: percentiles(
      deliveries.filter((d) => d.kind !== 'first' && d.kind !== 'status').map((d) => d.ms),
    ),
    latencyByKindMs: Object.fromEntries(
      kinds.map((kind) => [kind, percentiles(deliveries.filter((d) => d.kind === kind).map((d) => d.ms))]),
    ),
    cpuMsPerDelivery: ratio(sum(samples.map((s) => s.cpuMs)), deliveries.length),
    cpuMsPerMessage: ratio(sum(samples.map((s) => s.cpuMs)), plans.length),
    handlerMsPerMessage: ratio(sum(deliveries.map((d) => d.ms)), plans.length),
    sendDelayMs: percentiles(samples.flatMap((s) => s.sendDelaysMs)),
    repliesPerMessage: ratio(sum([...replies.values()]), plans.length),
    messagesWithoutReply: plans.filter((p) => !replies.has(p.wamid)).length,
    extraReplies: sum([...replies.values()].map((n) => n - 1)),
  };
}

export function throughputFigures(samples: PhaseSample[]): ThroughputFigures {
  const plans = samples.flatMap((s) => s.plans);
  const deliveries = samples.flatMap((s) => s.deliveries);
  const wallMs = sum(samples.map((s) => s.wallMs));
  const replies = replyCounts(samples.flatMap((s) => s.repliesTo));
  return {
    messages: plans.length,
    deliveries: deliveries.length,
    redeliveries: deliveries.filter((d) => d.kind === 'redelivery').length,
    wallMs,
    deliveriesPerSecond: ratio(deliveries.length * 1_000, wallMs),
    messagesPerSecond: ratio(plans.length * 1_000, wallMs),
    unsettledMessages: unsettled(plans, deliveries),
    cpuMsPerDelivery: ratio(sum(samples.map((s) => s.cpuMs)), deliveries.length),
    messagesWithoutReply: plans.filter((p) => !replies.has(p.wamid)).length,
    extraReplies: sum([...replies.values()].map((n) => n - 1)),
  };
}

function unsettled(plans: MessagePlan[], deliveries: Delivery[]): number {
  const settled = new Set(deliveries.filter((d) => d.status === 200).map((d) => d.message));
  return plans.filter((p) => !settled.has(p.index)).length;
}

function replyCounts(repliesTo: (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const wamid of repliesTo) if (wamid !== undefined) counts.set(wamid, (counts.get(wamid) ?? 0) + 1);
  return counts;
}

export function mergeCounts(all: RequestCounts[]): RequestCounts {
  const merged: RequestCounts = {};
  for (const counts of all) {
    for (const [operation, c] of Object.entries(counts)) {
      const into = merged[operation] ?? { ok: 0, conditionFailed: 0, error: 0, capacityUnits: 0 };
      merged[operation] = into;
      into.ok += c.ok;
      into.conditionFailed += c.conditionFailed;
      into.error += c.error;
      into.capacityUnits += c.capacityUnits;
    }
  }
  return merged;
}

/** For each plan with a reply: the first Graph request quoting it, minus its first delivery's start. */
export function sendDelays(
  plans: MessagePlan[],
  deliveries: Delivery[],
  graphRequests: { inReplyTo: string | undefined; receivedAt: number }[],
): number[] {
  const firstStart = new Map<number, number>();
  for (const d of deliveries) {
    if (d.kind !== 'status')
      firstStart.set(d.message, Math.min(firstStart.get(d.message) ?? d.startedAt, d.startedAt));
  }
  const firstSend = new Map<string, number>();
  for (const r of graphRequests) {
    if (r.inReplyTo !== undefined && !firstSend.has(r.inReplyTo)) firstSend.set(r.inReplyTo, r.receivedAt);
  }
  return plans.flatMap((plan) => {
    const start = firstStart.get(plan.index);
    const sent = firstSend.get(plan.wamid);
    return start === undefined || sent === undefined ? [] : [sent - start];
  });
}
