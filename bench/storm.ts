import type { GraphRequest } from '../devkit/graph-stub';
import type { ChildHost } from '../devkit/lambda-host/child-process';
import { scheduleMessage } from '../devkit/meta/copies';
import { type StatusShape, scheduleStatuses } from '../devkit/meta/status-webhooks';
import { seededRandom } from '../devkit/random';
import { signedPost } from '../devkit/webhook-events';
import { type Delivery, metaForTarget, type RedeliveryPolicy } from './deliveries';
import type { MessagePlan } from './workload';

/** Meta's status webhooks for the replies a target's Graph stub accepts during the phase. */
export interface PhaseStatuses {
  shape: StatusShape;
  appSecret: string;
  /** Registers the listener of accepted replies (undefined: stop listening). */
  onReply: (listener: ((request: GraphRequest, outboundId: string) => void) | undefined) => void;
  /** Resolves once the target sent every reply its messages caused (queued mode's worker is idle). */
  settle?: () => Promise<void>;
}

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
  statuses?: PhaseStatuses,
): Promise<{ deliveries: Delivery[]; wallMs: number }> {
  const deliveries: Delivery[] = [];
  const seed = plans[0]?.index ?? 0;
  const byWamid = new Map(plans.map((plan) => [plan.wamid, plan.index]));
  const messageOfReply = new Map<string, number>();
  const feed = statuses && {
    sign: (body: string) => signedPost(body, statuses.appSecret),
    messageOf: (outboundId: string) => messageOfReply.get(outboundId) ?? -1,
  };
  const meta = metaForTarget(
    host,
    plans,
    policy,
    seed,
    (delivery) => {
      deliveries.push(delivery);
      onDelivery(delivery);
    },
    feed,
  );
  const random = seededRandom(seed + 1);
  statuses?.onReply((request, outboundId) => {
    const recipient = typeof request.body.to === 'string' ? request.body.to : '';
    const reply = {
      tenantId: request.phoneNumberId,
      outboundId,
      callbackData: request.callbackData,
      recipient,
    };
    messageOfReply.set(outboundId, byWamid.get(request.inReplyTo ?? '') ?? -1);
    scheduleStatuses(meta, reply, random, statuses.shape);
  });
  try {
    for (const plan of plans) scheduleMessage(meta, plan.message, plan.arrivalMs, plan.copies);
    const started = performance.now();
    const stopAt = started + PHASE_TIMEOUT_MS;
    const run = () => meta.run(() => true, Math.max(0, stopAt - performance.now()));
    if ((await run()) === 'timed-out') throw new Error('storm phase timed out');
    const wallMs = performance.now() - started;
    // Replies sent after the webhook answered (queued mode) bring their statuses now: deliver them too.
    while (statuses?.settle) {
      await statuses.settle();
      if (meta.backlog().waiting === 0) break;
      if ((await run()) === 'timed-out') throw new Error('storm phase timed out (statuses)');
    }
    return { deliveries, wallMs };
  } finally {
    statuses?.onReply(undefined);
  }
}
