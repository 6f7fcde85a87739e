import type { ChildHost } from '../devkit/lambda-host/child-process';
import { sleep } from '../devkit/sleep';
import type { DeliveryKind, MessagePlan } from './workload';

export interface Delivery {
  message: number;
  kind: DeliveryKind;
  status: number;
  /** Handler latency, measured in the host's child process around `handler(event, context)`. */
  ms: number;
}

/**
 * Meta delivers again when the answer is not 2xx, for days with growing gaps; the bench keeps the
 * pattern on a compressed clock and bounds it. A delivery is counted as one invocation.
 */
export interface RedeliveryPolicy {
  /** Wait before redelivery n (storm phase); its length bounds the redeliveries of one copy. */
  delaysMs: readonly number[];
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/**
 * One delivery and, while the answer is not 2xx, Meta's redeliveries of it. `answered` resolves with
 * the first answer, `settled` when the last redelivery is done.
 */
export function deliverWithRedelivery(
  host: ChildHost,
  plan: MessagePlan,
  kind: DeliveryKind,
  policy: RedeliveryPolicy,
  record: (delivery: Delivery) => void,
): { answered: Promise<Delivery>; settled: Promise<void> } {
  const invoke = async (as: DeliveryKind): Promise<Delivery> => {
    const { status, ms } = await host.invoke(plan.event);
    const delivery: Delivery = { status, ms, message: plan.index, kind: as };
    record(delivery);
    return delivery;
  };
  const answered = invoke(kind);
  const settled = answered.then(async (first) => {
    let last = first;
    for (const delayMs of policy.delaysMs) {
      if (isSuccess(last.status)) return;
      await sleep(delayMs);
      last = await invoke('redelivery');
    }
  });
  return { answered, settled };
}
