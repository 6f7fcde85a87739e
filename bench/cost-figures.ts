import { billedMs, type CostPerMillion, type CostUsage, costPerMillionMessages } from './cost';
import { requestUnits } from './cost-units';
import { mergeCounts, type PhaseSample } from './measure';
import { ratio, sum } from './stats';

/** What a target's storm cost, per message and per million messages, statuses included. */
export interface CostFigures {
  usage: CostUsage;
  statusesPerMessage: number;
  writeUnitsPerMessage: number;
  readUnitsPerMessage: number;
  logBytesPerMessage: number;
  cost: CostPerMillion;
}

/**
 * The storm's usage as AWS would bill it: one API Gateway request and one invocation per webhook
 * POST (messages, copies, redeliveries and statuses), each invocation's handler time rounded up to
 * the ms at the deployed memory, the proxy's requests as request units, and every byte printed.
 */
export function costFigures(samples: PhaseSample[], memoryMb: number): CostFigures {
  const messages = sum(samples.map((s) => s.plans.length));
  const handlerMs = samples.flatMap((s) => [...s.deliveries.map((d) => d.ms), ...s.statusMs]);
  const statuses = sum(samples.map((s) => s.statusMs.length));
  const units = requestUnits(mergeCounts(samples.map((s) => s.requests)));
  const logBytes = sum(samples.map((s) => s.logBytes));
  const usage: CostUsage = {
    messages,
    apiRequests: handlerMs.length,
    invocations: handlerMs.length,
    billedMs: billedMs(handlerMs),
    memoryMb,
    ...units,
    logBytes,
    sqsRequests: 0,
  };
  return {
    usage,
    statusesPerMessage: ratio(statuses, messages),
    writeUnitsPerMessage: ratio(units.writeUnits, messages),
    readUnitsPerMessage: ratio(units.readUnits, messages),
    logBytesPerMessage: ratio(logBytes, messages),
    cost: costPerMillionMessages(usage),
  };
}
