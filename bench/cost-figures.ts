import { type CostPerMillion, type CostUsage, costPerMillionMessages } from './cost';
import type { PhaseSample } from './measure';
import { gbSeconds, type TargetUsage } from './results';
import { ratio, sum } from './stats';

/** What a target's storm cost, per message and per million messages, Meta's statuses included. */
export interface CostFigures {
  usage: CostUsage;
  statusesPerMessage: number;
  writeUnitsPerMessage: number;
  readUnitsPerMessage: number;
  logBytesPerMessage: number;
  /** One message answered once with its three statuses, nothing else running (bench/log-probe.ts). */
  steadyLogBytesPerMessage: number;
  cost: CostPerMillion;
}

/**
 * The storm's usage as AWS would bill it (bench/usage.ts counts it: one API Gateway request per
 * webhook POST, every function's billed duration, DynamoDB's own request units, SQS requests), plus
 * every byte the target printed, priced per million messages.
 */
export function costFigures(
  samples: PhaseSample[],
  target: TargetUsage,
  steadyLogBytes: number,
): CostFigures {
  const functions = Object.values(target.lambda);
  const operations = Object.values(target.dynamoDb);
  const usage: CostUsage = {
    messages: target.messages,
    apiRequests: target.apiGatewayRequests,
    invocations: sum(functions.map((f) => f.invocations)),
    gbSeconds: sum(functions.map(gbSeconds)),
    writeUnits: sum(operations.map((o) => o.writeUnits)),
    readUnits: sum(operations.map((o) => o.readUnits)),
    logBytes: sum(samples.map((s) => s.logBytes ?? 0)),
    sqsRequests: sum(Object.values(target.sqs)),
  };
  return {
    usage,
    statusesPerMessage: ratio(target.statusWebhooks, target.messages),
    writeUnitsPerMessage: ratio(usage.writeUnits, usage.messages),
    readUnitsPerMessage: ratio(usage.readUnits, usage.messages),
    logBytesPerMessage: ratio(usage.logBytes, usage.messages),
    steadyLogBytesPerMessage: steadyLogBytes,
    cost: costPerMillionMessages(usage),
  };
}
