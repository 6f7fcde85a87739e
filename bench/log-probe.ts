import { type MetaStatus, webhookBody } from '../devkit/meta/webhook-body';
import { sleep } from '../devkit/sleep';
import { signedPost } from '../devkit/webhook-events';
import { median } from './stats';
import type { RunningTarget } from './targets';
import type { MessagePlan } from './workload';

const STATUSES: MetaStatus['status'][] = ['sent', 'delivered', 'read'];
/** Stdout reaches the driver through a pipe, after the invocation's answer: time for it to arrive. */
const DRAIN_MS = 100;

/**
 * Log bytes of the steady state: one message delivered once and answered, then its reply's three
 * statuses (sent, delivered, read), with nothing else running, so every byte printed meanwhile
 * belongs to it. The median over `plans`, one message at a time. `settle` waits until the target sent
 * every reply (queued mode: the worker's and redrive function's lines count, the reply comes later).
 */
export async function steadyLogBytes(
  t: RunningTarget,
  plans: MessagePlan[],
  appSecret: string,
  settle: () => Promise<void>,
): Promise<number> {
  const samples: number[] = [];
  for (const plan of plans) {
    const before = t.logBytes();
    const acceptedBefore = t.graph.accepted.length;
    await t.host.invoke(plan.event);
    await settle();
    const reply = t.graph.accepted[acceptedBefore];
    if (reply === undefined) throw new Error(`${t.spec.name}: the log probe's message got no reply`);
    for (const status of STATUSES) {
      const item = {
        kind: 'status' as const,
        status: {
          tenantId: reply.request.phoneNumberId,
          outboundId: reply.outboundId,
          callbackData: reply.request.callbackData,
          recipient: typeof reply.request.body.to === 'string' ? reply.request.body.to : '',
          status,
        },
      };
      await t.host.invoke(signedPost(webhookBody([item], Math.floor(Date.now() / 1_000)), appSecret));
    }
    await settle();
    await sleep(DRAIN_MS);
    samples.push(t.logBytes() - before);
  }
  return median(samples);
}
