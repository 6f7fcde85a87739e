import { DEFAULT_SETTINGS } from '../lib/settings';
import { mergeCounts, type PhaseSample, type QueuedFunction } from './measure';
import type { DynamoDbOperationUsage, FunctionUsage, TargetUsage } from './results';
import { sum } from './stats';

/** Every function of the stack gets the same memory (lib/settings.ts); the comparison targets would too. */
const MEMORY_MB = DEFAULT_SETTINGS.memorySizeMb;
const READS = /^(Get|BatchGet|Query|Scan)/;

/** Lambda bills each invocation's duration rounded up to the next millisecond. */
export const billedMs = (durations: readonly number[]): number => sum(durations.map((ms) => Math.ceil(ms)));

/** The storm phase's raw usage of one target, summed over its rounds. */
export function usageOf(samples: PhaseSample[]): TargetUsage {
  const deliveries = samples.flatMap((s) => s.deliveries);
  const answered = new Set(samples.flatMap((s) => s.repliesTo).filter((wamid) => wamid !== undefined));
  const lambda: TargetUsage['lambda'] = {
    webhook: functionUsage(
      deliveries.map((d) => d.ms),
      sum(samples.map((s) => s.cpuMs)),
    ),
  };
  for (const role of ['worker', 'redrive'] as const satisfies QueuedFunction[]) {
    const durations = samples.flatMap((s) => s.queuedInvocations[role] ?? []);
    if (samples.some((s) => s.queuedInvocations[role] !== undefined)) {
      lambda[role] = functionUsage(durations, sum(samples.map((s) => s.queuedCpuMs[role] ?? 0)));
    }
  }
  const dynamoDb = Object.fromEntries(
    Object.entries(mergeCounts(samples.map((s) => s.requests))).map(
      ([operation, c]): [string, DynamoDbOperationUsage] => [
        operation,
        {
          requests: c.ok + c.conditionFailed + c.error,
          conditionFailed: c.conditionFailed,
          errors: c.error,
          writeUnits: READS.test(operation) ? 0 : c.capacityUnits,
          readUnits: READS.test(operation) ? c.capacityUnits : 0,
        },
      ],
    ),
  );
  const sqs: Record<string, number> = {};
  for (const sample of samples) {
    for (const [operation, n] of Object.entries(sample.sqs)) sqs[operation] = (sqs[operation] ?? 0) + n;
  }
  return {
    messages: samples.reduce((n, s) => n + s.plans.length, 0),
    messagesAnswered: samples.reduce((n, s) => n + s.plans.filter((p) => answered.has(p.wamid)).length, 0),
    apiGatewayRequests: deliveries.length,
    statusWebhooks: deliveries.filter((d) => d.kind === 'status').length,
    lambda,
    dynamoDb,
    capacityUnitsSource:
      'DynamoDB Local (ReturnConsumedCapacity: TOTAL, added by the counting proxy); failed conditional writes from the size of the item left in place, at least 1 unit',
    sqs,
  };
}

function functionUsage(durations: number[], cpuMs: number): FunctionUsage {
  return { invocations: durations.length, billedMs: billedMs(durations), memoryMb: MEMORY_MB, cpuMs };
}
