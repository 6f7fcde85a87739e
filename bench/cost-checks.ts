import type { Check, TargetResult } from './results';
import { ratio } from './stats';

const x = (value: number) => `${value.toFixed(2)}x`;
/** Steady-state log volume issue #12 allows per message at the default level. */
const LOG_BYTES_PER_MESSAGE = 400;
/** Issue #12: queued mode must cost at most this share of the Powertools baseline per million messages. */
const QUEUED_COST_SHARE = 0.8;

/** Issue #12's targets for this project's inline mode against the Powertools baseline, from one storm. */
export function costChecks(ours: TargetResult, baseline: TargetResult): Check[] {
  const costRatio = ratio(ours.cost.cost.totalUsd, baseline.cost.cost.totalUsd);
  const cpuRatio = ratio(ours.storm.cpuMsPerDelivery, baseline.storm.cpuMsPerDelivery);
  const { writeUnitsPerMessage: w, readUnitsPerMessage: r, statusesPerMessage: s } = ours.cost;
  return [
    {
      target: `DynamoDB request units per message, ${s.toFixed(2)} statuses each`,
      wanted: '<= 3.0 W + <= 2.0 R',
      measured: `${w.toFixed(2)} W + ${r.toFixed(2)} R`,
      met: w <= 3 && r <= 2,
    },
    {
      target: 'cost per million messages',
      wanted: "<= Powertools'",
      measured: `$${ours.cost.cost.totalUsd.toFixed(2)} vs $${baseline.cost.cost.totalUsd.toFixed(2)} (${x(costRatio)})`,
      met: costRatio <= 1,
    },
    {
      target: 'CPU per delivery (statuses included)',
      wanted: '<= 1.2x',
      measured: x(cpuRatio),
      met: cpuRatio <= 1.2,
    },
    {
      target: 'log bytes per message at INFO, steady state',
      wanted: `<= ${LOG_BYTES_PER_MESSAGE}`,
      measured: `${ours.cost.steadyLogBytesPerMessage.toFixed(0)} (storm: ${ours.cost.logBytesPerMessage.toFixed(0)})`,
      met: ours.cost.steadyLogBytesPerMessage <= LOG_BYTES_PER_MESSAGE,
    },
  ];
}

/**
 * Issue #12's target for queued mode: all three functions (webhook, worker, redrive), their log
 * groups and the re-drive queue's SQS requests, priced against the Powertools baseline of the same run.
 */
export function queuedCostChecks(queued: TargetResult, baseline: TargetResult): Check[] {
  const costRatio = ratio(queued.cost.cost.totalUsd, baseline.cost.cost.totalUsd);
  return [
    {
      target: 'cost per million messages (issue #12)',
      wanted: `<= ${QUEUED_COST_SHARE}x Powertools'`,
      measured: `$${queued.cost.cost.totalUsd.toFixed(2)} vs $${baseline.cost.cost.totalUsd.toFixed(2)} (${x(costRatio)})`,
      met: costRatio <= QUEUED_COST_SHARE,
    },
  ];
}
