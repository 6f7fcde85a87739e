import type { Random } from '../random';
import type { MetaDelivery } from './meta-delivery';
import type { MetaMessage } from './webhook-body';

/** How a copy of a message reaches the webhook, relative to its first delivery. */
export type CopyTiming = 'simultaneous' | 'delayed' | 'after-first-answer';

export interface CopyPlan {
  timing: CopyTiming;
  /** delayed: after the first delivery was sent; after-first-answer: after it was answered. */
  delayMs: number;
}

/** A tool's shape of Meta's duplicates; the model is the same, only the numbers differ. */
export interface CopyShape {
  /** Deliveries of one message before any redelivery, drawn uniformly from this list. */
  deliveries: readonly number[];
  timings: readonly CopyTiming[];
  delayedMs: readonly [number, number];
  afterFirstAnswerMs: readonly [number, number];
}

/** The extra copies of one message (none when it is delivered once). */
export function planCopies(random: Random, shape: CopyShape): CopyPlan[] {
  const count = random.pick(shape.deliveries);
  return Array.from({ length: count - 1 }, (): CopyPlan => {
    const timing = random.pick(shape.timings);
    const [low, high] =
      timing === 'delayed'
        ? shape.delayedMs
        : timing === 'after-first-answer'
          ? shape.afterFirstAnswerMs
          : [0, 0];
    return { timing, delayMs: random.int(low, high) };
  });
}

/** Schedules a message's first delivery at `arrivalMs` and its copies as planned. */
export function scheduleMessage(
  meta: MetaDelivery,
  message: MetaMessage,
  arrivalMs: number,
  copies: CopyPlan[],
): void {
  meta.schedule({ kind: 'message', message, copy: 0 }, arrivalMs);
  copies.forEach((plan, index) => {
    const item = { kind: 'message' as const, message, copy: index + 1 };
    if (plan.timing === 'after-first-answer') meta.scheduleAfterFirstAnswer(item, plan.delayMs);
    else meta.schedule(item, arrivalMs + plan.delayMs);
  });
}
