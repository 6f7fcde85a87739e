import { type CopyShape, planCopies, scheduleMessage } from '../../devkit/meta/copies';
import { type DeliveryAnswer, META_DEFAULTS } from '../../devkit/meta/delivery-policy';
import { MetaDelivery } from '../../devkit/meta/meta-delivery';
import { webhookBody } from '../../devkit/meta/webhook-body';
import { seededRandom } from '../../devkit/random';
import { metaOptionsFor, type Redelivery } from './meta-client';
import type { Simulation } from './simulation';

export interface StormOptions {
  messages: number;
  /** Each message is delivered between 1 and `copies` times before any redelivery. */
  copies: number;
  concurrency: number;
  /** Late copies arrive up to this long after the first delivery of their message was answered. */
  spreadMs: number;
  seed: number;
  redelivery: Redelivery;
}

export interface StormProgress {
  done: number;
  /** Grows as redeliveries are scheduled. */
  planned: number;
  inFlight: number;
  statusCounts: Record<string, number>;
  elapsedMs: number;
}

/** The simulator's shape of Meta's duplicates: half of the extra copies at once, half after the answer. */
export const stormCopyShape = (options: Pick<StormOptions, 'copies' | 'spreadMs'>): CopyShape => ({
  deliveries: Array.from({ length: Math.max(1, options.copies) }, (_, n) => n + 1),
  timings: ['simultaneous', 'after-first-answer'],
  delayedMs: [0, 0],
  afterFirstAnswerMs: [0, options.spreadMs],
});

const STORM_TEXTS = [
  'test',
  'hi',
  'hello',
  'Hola, ¿tienen café? ☕ / gracias',
  'What are your opening hours?',
];

/**
 * N messages, each delivered up to K times by at most C concurrent requests, through the devkit's
 * Meta delivery model: every answer other than 200 is delivered again with Meta's backoff.
 */
export async function runStorm(
  sim: Simulation,
  options: StormOptions,
  onProgress: (progress: StormProgress) => void = () => {},
): Promise<{ gaveUp: number }> {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const statusCounts: Record<string, number> = {};
  const meta = new MetaDelivery(
    async (post): Promise<DeliveryAnswer> => {
      const ids = post.items.flatMap((item) => (item.kind === 'message' ? [item.message.id] : []));
      const body = webhookBody(post.items, Math.floor(Date.now() / 1000));
      const attempt = await sim.client.post(body, ids, { redelivery: post.redelivered });
      const status = String(attempt.status);
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      return attempt.status === 'error'
        ? { kind: 'unreachable' }
        : { kind: 'answered', status: attempt.status };
    },
    random,
    {
      ...META_DEFAULTS,
      tickMs: 5,
      maxBatch: 1,
      maxInFlight: Math.max(1, options.concurrency),
      ...metaOptionsFor(options.redelivery),
    },
  );
  for (let index = 0; index < options.messages; index++) {
    const message = sim.message('storm', STORM_TEXTS[index % STORM_TEXTS.length] ?? 'test');
    const stormMessage = {
      tenantId: sim.target.phoneNumberId,
      id: message.id,
      from: sim.target.from,
      type: 'text' as const,
      text: message.text ?? 'test',
      expectsReply: true,
    };
    scheduleMessage(meta, stormMessage, 0, planCopies(random, stormCopyShape(options)));
  }

  const progress = (): StormProgress => {
    const { waiting, inFlight } = meta.backlog();
    const done = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
    return {
      done,
      planned: done + waiting + inFlight,
      inFlight,
      statusCounts: { ...statusCounts },
      elapsedMs: performance.now() - started,
    };
  };
  const ticker = setInterval(() => onProgress(progress()), 250);
  try {
    await meta.run(() => true, Number.POSITIVE_INFINITY);
  } finally {
    clearInterval(ticker);
  }
  onProgress(progress());
  return { gaveUp: meta.stats.gaveUp };
}
