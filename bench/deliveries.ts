import type { ChildHost } from '../devkit/lambda-host/child-process';
import type { CopyTiming } from '../devkit/meta/copies';
import { META_DEFAULTS, type MetaOptions } from '../devkit/meta/delivery-policy';
import { MetaDelivery } from '../devkit/meta/meta-delivery';
import { seededRandom } from '../devkit/random';
import type { MessagePlan } from './workload';

/** How a webhook POST came: a message's first delivery, a planned copy, Meta's redelivery, or a status webhook. */
export type DeliveryKind = 'first' | CopyTiming | 'redelivery' | 'status';

/** One invocation of a target: which message, how it came, its answer and the handler's latency. */
export interface Delivery {
  message: number;
  kind: DeliveryKind;
  status: number;
  /** Handler latency, measured in the host's child process around `handler(event, context)`. */
  ms: number;
  /** When the driver sent it (epoch ms, the clock the Graph stub stamps its requests with). */
  startedAt: number;
}

/**
 * Meta delivers again when the answer is not 200, for days with growing gaps; the bench keeps the
 * pattern on a compressed clock and bounds it. A delivery is counted as one invocation.
 */
export interface RedeliveryPolicy {
  /** Wait before redelivery n (doubling from the first to the last); its length bounds the redeliveries. */
  delaysMs: readonly number[];
}

/** The devkit's Meta model as the bench runs it: one message per webhook, no cap on concurrency. */
const metaOptions = (policy: RedeliveryPolicy): MetaOptions => ({
  ...META_DEFAULTS,
  tickMs: 5,
  maxBatch: 1,
  retryBaseMs: policy.delaysMs[0] ?? META_DEFAULTS.retryBaseMs,
  retryCapMs: policy.delaysMs.at(-1) ?? META_DEFAULTS.retryCapMs,
  maxTries: policy.delaysMs.length + 1,
});

/**
 * Meta delivering `plans` to one target: every POST is one invocation of the target with the plan's
 * signed event, recorded as a Delivery of its kind.
 */
export function metaForTarget(
  host: ChildHost,
  plans: MessagePlan[],
  policy: RedeliveryPolicy,
  seed: number,
  record: (delivery: Delivery) => void,
): MetaDelivery {
  const byWamid = new Map(plans.map((plan) => [plan.wamid, plan]));
  return new MetaDelivery(
    async ({ items, redelivered }) => {
      const item = items[0];
      const plan = item?.kind === 'message' ? byWamid.get(item.message.id) : undefined;
      if (item?.kind !== 'message' || plan === undefined)
        throw new Error('the bench delivers its own messages only');
      const startedAt = Date.now();
      const { status, ms } = await host.invoke(plan.event);
      const kind: DeliveryKind = redelivered
        ? 'redelivery'
        : item.copy === 0
          ? 'first'
          : (plan.copies[item.copy - 1]?.timing ?? 'simultaneous');
      record({ message: plan.index, kind, status, ms, startedAt });
      return { kind: 'answered', status };
    },
    seededRandom(seed),
    metaOptions(policy),
  );
}
