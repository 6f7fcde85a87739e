import type { ChildHost } from '../devkit/lambda-host/child-process';
import { scheduleMessage } from '../devkit/meta/copies';
import { type Delivery, metaForTarget, type RedeliveryPolicy } from './deliveries';
import type { MessagePlan } from './workload';

/** Long enough for any storm phase; a target that never answers fails the run instead of hanging it. */
const PHASE_TIMEOUT_MS = 10 * 60_000;

/**
 * The timed phase: first deliveries arrive on the plan's schedule, copies at once, a little later or
 * after the first was answered, and every non-200 answer is redelivered. Returns every invocation.
 */
export async function runStormPhase(
  host: ChildHost,
  plans: MessagePlan[],
  policy: RedeliveryPolicy,
  onDelivery: (delivery: Delivery) => void = () => undefined,
): Promise<{ deliveries: Delivery[]; wallMs: number }> {
  const deliveries: Delivery[] = [];
  const meta = metaForTarget(host, plans, policy, plans[0]?.index ?? 0, (delivery) => {
    deliveries.push(delivery);
    onDelivery(delivery);
  });
  for (const plan of plans) scheduleMessage(meta, plan.message, plan.arrivalMs, plan.copies);
  const started = performance.now();
  if ((await meta.run(() => true, PHASE_TIMEOUT_MS)) === 'timed-out')
    throw new Error('storm phase timed out');
  return { deliveries, wallMs: performance.now() - started };
}
