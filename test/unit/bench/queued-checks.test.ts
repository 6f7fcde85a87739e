import { describe, expect, it } from 'vitest';
import { stormFigures, throughputFigures } from '../../../bench/measure';
import type { RequestProbe } from '../../../bench/probe';
import { checkQueued } from '../../../bench/queued-checks';
import type { FunctionUsage, TargetResult, TargetUsage } from '../../../bench/results';
import { percentiles } from '../../../bench/stats';

const fn = (billedMs: number): FunctionUsage => ({ invocations: 1, billedMs, memoryMb: 512, cpuMs: 0 });
const usage = (lambda: TargetUsage['lambda']): TargetUsage => ({
  messages: 10,
  messagesAnswered: 10,
  apiGatewayRequests: 20,
  statusWebhooks: 0,
  lambda,
  dynamoDb: {},
  capacityUnitsSource: '',
  sqs: {},
});
const probe: RequestProbe = {
  firstDelivery: 1,
  firstDeliveryOperations: {},
  duplicateAfterCompletion: 1,
  duplicateReads: 0,
  duplicateOperations: {},
  duplicateMs: 6,
  inFlightCopy: 1,
  inFlightCopyInvocations: 1,
  inFlightCopyFirstStatus: 200,
  inFlightCopyFirstMs: 7,
  stable: true,
};

function target(over: { firstMs: number[]; cpuMs: number; lambda: TargetUsage['lambda'] }): TargetResult {
  const storm = stormFigures([]);
  return {
    name: 'queued',
    label: 'queued',
    probe,
    storm: {
      ...storm,
      latencyFirstMs: percentiles(over.firstMs),
      cpuMsPerDelivery: over.cpuMs,
      redeliveries: 0,
      extraReplies: 0,
      messagesWithoutReply: 0,
    },
    usage: usage(over.lambda),
    throughput: throughputFigures([]),
    coldStart: { bundleBytes: 0, initMs: [], initMsMedian: 0 },
  };
}

const inline = target({ firstMs: [220], cpuMs: 10, lambda: { webhook: fn(10_000) } });
const baseline = target({ firstMs: [210], cpuMs: 5, lambda: { webhook: fn(8_000) } });
const byTarget = (checks: ReturnType<typeof checkQueued>) =>
  Object.fromEntries(checks.map((c) => [c.target, c.met]));

describe('checkQueued', () => {
  it('meets the targets when the webhook is fast, a copy is one write and both functions cost under half', () => {
    const queued = target({
      firstMs: [8, 9, 12, 140],
      cpuMs: 2.9,
      lambda: { webhook: fn(1_000), worker: fn(2_000), redrive: fn(0) },
    });
    const checks = checkQueued({ queued, inline, baseline, slowQueued: undefined, slowInline: undefined });
    expect(checks.filter((c) => c.met === false)).toEqual([]);
    expect(byTarget(checks)['first delivery to Graph send, p50 / p95 (slow bot)']).toBe('reported');
  });

  it('misses the latency, cost and CPU targets by their own bounds', () => {
    const queued = target({
      firstMs: [30, 30, 30, 200],
      cpuMs: 3.1,
      lambda: { webhook: fn(2_000), worker: fn(3_001) },
    });
    const met = byTarget(
      checkQueued({ queued, inline, baseline, slowQueued: undefined, slowInline: undefined }),
    );
    expect(met['webhook handler time p50 / p99, first deliveries, storm']).toBe(false);
    expect(met['Lambda GB-seconds per message, both functions, ÷ inline (slow bot)']).toBe(false);
    expect(met['CPU per webhook delivery ÷ Powertools']).toBe(false);
  });

  it('misses the copy target when a copy waits for the owner', () => {
    const queued = target({ firstMs: [8], cpuMs: 1, lambda: { webhook: fn(1) } });
    queued.probe = { ...probe, inFlightCopyFirstMs: 180 };
    const met = byTarget(
      checkQueued({ queued, inline, baseline, slowQueued: undefined, slowInline: undefined }),
    );
    expect(met['a copy of a claimed message (after the answer / while pending)']).toBe(false);
  });

  it('holds the slow-bot pass to within 20 % of the webhook times without it', () => {
    const queued = target({ firstMs: [10, 100], cpuMs: 1, lambda: { webhook: fn(1) } });
    const slow = (firstMs: number[]) => ({ ...target({ firstMs, cpuMs: 1, lambda: { webhook: fn(1) } }) });
    const check = (firstMs: number[]) =>
      byTarget(checkQueued({ queued, inline, baseline, slowQueued: slow(firstMs), slowInline: inline }))[
        'the same with the slow bot'
      ];
    expect(check([12, 120])).toBe(true);
    expect(check([13, 100])).toBe(false);
  });
});
