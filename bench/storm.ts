import type { ChildHost } from '../devkit/lambda-host/child-process';
import { sleep } from '../devkit/sleep';
import { type Delivery, deliverWithRedelivery, type RedeliveryPolicy } from './deliveries';
import type { MessagePlan } from './workload';

/**
 * The timed phase: first deliveries arrive on the plan's schedule, copies at once, a little later or
 * after the first was answered, and every non-2xx answer is redelivered. Returns every invocation.
 */
export async function runStorm(
  host: ChildHost,
  plans: MessagePlan[],
  policy: RedeliveryPolicy,
  onDelivery: (delivery: Delivery) => void = () => undefined,
): Promise<{ deliveries: Delivery[]; wallMs: number }> {
  const deliveries: Delivery[] = [];
  const record = (delivery: Delivery) => {
    deliveries.push(delivery);
    onDelivery(delivery);
  };
  const started = performance.now();
  await Promise.all(
    plans.map(async (plan) => {
      await sleep(plan.arrivalMs - (performance.now() - started));
      const first = deliverWithRedelivery(host, plan, 'first', policy, record);
      const copies = plan.copies.map(async (copy) => {
        if (copy.kind === 'delayed') await sleep(copy.afterMs);
        if (copy.kind === 'after-completion') {
          await first.answered;
          await sleep(copy.afterMs);
        }
        await deliverWithRedelivery(host, plan, copy.kind, policy, record).settled;
      });
      await Promise.all([first.settled, ...copies]);
    }),
  );
  return { deliveries, wallMs: performance.now() - started };
}
