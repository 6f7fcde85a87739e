import type { ChildHost } from '../devkit/lambda-host/child-process';
import { sleep } from '../devkit/sleep';
import type { Delivery, DeliveryKind } from './deliveries';
import type { MessagePlan } from './workload';

interface QueuedDelivery {
  plan: MessagePlan;
  kind: DeliveryKind;
  redeliveries: number;
  position: number;
}

/**
 * The saturation phase: `concurrency` senders take deliveries from one queue as fast as the target
 * answers. The same copies as the storm, placed in the queue instead of on a clock: a simultaneous
 * copy next to its first delivery, a delayed one within the next half-window of senders, one after
 * completion two windows later. A non-200 answer goes back to the end of the queue (Meta's
 * redelivery, without its wait), at most `maxRedeliveries` times per copy.
 */
export async function runThroughput(
  host: ChildHost,
  plans: MessagePlan[],
  options: { concurrency: number; maxRedeliveries: number },
  onDelivery: (delivery: Delivery) => void = () => undefined,
): Promise<{ deliveries: Delivery[]; wallMs: number }> {
  const { concurrency } = options;
  const queue: QueuedDelivery[] = plans
    .flatMap((plan) => [
      { plan, kind: 'first' as DeliveryKind, redeliveries: 0, position: plan.index },
      ...plan.copies.map((copy, n) => ({
        plan,
        kind: copy.timing as DeliveryKind,
        redeliveries: 0,
        position:
          plan.index +
          (copy.timing === 'simultaneous'
            ? 0.01 * (n + 1)
            : copy.timing === 'delayed'
              ? (copy.delayMs / 150) * (concurrency / 2)
              : 2 * concurrency + (copy.delayMs / 100) * concurrency),
      })),
    ])
    .sort((a, b) => a.position - b.position);

  const deliveries: Delivery[] = [];
  let running = 0;
  const sender = async () => {
    for (;;) {
      const next = queue.shift();
      if (next === undefined) {
        if (running === 0) return;
        await sleep(1);
        continue;
      }
      running++;
      const startedAt = Date.now();
      const { status, ms } = await host.invoke(next.plan.event);
      const delivery: Delivery = { status, ms, startedAt, message: next.plan.index, kind: next.kind };
      running--;
      deliveries.push(delivery);
      onDelivery(delivery);
      if (delivery.status !== 200 && next.redeliveries < options.maxRedeliveries) {
        queue.push({ ...next, kind: 'redelivery', redeliveries: next.redeliveries + 1 });
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, sender));
  return { deliveries, wallMs: performance.now() - started };
}
