import { describe, expect, it } from 'vitest';
import { type DeliveryAnswer, META_DEFAULTS, type MetaPost } from '../../../../devkit/meta/delivery-policy';
import { MetaDelivery } from '../../../../devkit/meta/meta-delivery';
import type { MetaItem, MetaMessage } from '../../../../devkit/meta/webhook-body';
import { seededRandom } from '../../../../devkit/random';
import { sleep } from '../../../../devkit/sleep';

const message = (id: string): MetaMessage => ({
  tenantId: '106540352242922',
  id,
  from: '16505551234',
  type: 'text',
  text: 'hi',
  expectsReply: true,
});
const FAST = { ...META_DEFAULTS, tickMs: 2, maxBatch: 1, retryBaseMs: 5, retryCapMs: 20 };
const ids = (items: MetaItem[]) =>
  items.map((i) => (i.kind === 'message' ? `${i.message.id}/${i.copy}` : 'status'));

/** A MetaDelivery whose webhook answers with `answer(post)` after `ms`, keeping every post. */
function recorded(answer: (post: MetaPost) => DeliveryAnswer, options = FAST, ms = 5) {
  const posts: { post: MetaPost; at: number; answered?: number }[] = [];
  const meta = new MetaDelivery(
    async (post) => {
      const entry: { post: MetaPost; at: number; answered?: number } = { post, at: Date.now() };
      posts.push(entry);
      await sleep(ms);
      entry.answered = Date.now();
      return answer(post);
    },
    seededRandom(1),
    options,
  );
  return { meta, posts };
}

describe('MetaDelivery', () => {
  it('delivers a non-200 again with backoff until it is answered 200', async () => {
    let calls = 0;
    const { meta, posts } = recorded(() => ({ kind: 'answered', status: ++calls < 3 ? 500 : 200 }));
    meta.schedule({ kind: 'message', message: message('a'), copy: 0 }, 0);

    expect(await meta.run(() => true, 5_000)).toBe('done');
    expect(posts.map((p) => p.post.redelivered)).toEqual([false, true, true]);
    expect(meta.stats).toMatchObject({ posts: 3, nonOkPosts: 2, gaveUp: 0, answers: { 500: 2, 200: 1 } });
  });

  it('gives an item up after maxTries failed deliveries', async () => {
    const { meta, posts } = recorded(() => ({ kind: 'timed-out' }), { ...FAST, maxTries: 4 });
    meta.schedule({ kind: 'message', message: message('a'), copy: 0 }, 0);

    await meta.run(() => true, 5_000);

    expect(posts).toHaveLength(4);
    expect(meta.stats.gaveUp).toBe(1);
  });

  it('holds a copy until the first delivery of its message was answered', async () => {
    const { meta, posts } = recorded(() => ({ kind: 'answered', status: 200 }), FAST, 30);
    meta.scheduleAfterFirstAnswer({ kind: 'message', message: message('a'), copy: 1 }, 0);
    meta.schedule({ kind: 'message', message: message('a'), copy: 0 }, 0);

    await meta.run(() => true, 5_000);

    const [first, copy] = posts;
    expect(posts.map((p) => ids(p.post.items))).toEqual([['a/0'], ['a/1']]);
    expect(copy?.at).toBeGreaterThanOrEqual(first?.answered ?? Number.POSITIVE_INFINITY);
  });

  it('keeps no more than maxInFlight posts in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const meta = new MetaDelivery(
      async () => {
        most = Math.max(most, ++inFlight);
        await sleep(10);
        inFlight--;
        return { kind: 'answered', status: 200 };
      },
      seededRandom(1),
      { ...FAST, maxInFlight: 3 },
    );
    for (let n = 0; n < 12; n++) meta.schedule({ kind: 'message', message: message(`m${n}`), copy: 0 }, 0);

    await meta.run(() => true, 5_000);

    expect(meta.stats.posts).toBe(12);
    expect(most).toBe(3);
  });

  it('batches items due together into one body, up to maxBatch', async () => {
    const { meta, posts } = recorded(() => ({ kind: 'answered', status: 200 }), { ...FAST, maxBatch: 4 });
    for (let n = 0; n < 12; n++) meta.schedule({ kind: 'message', message: message(`m${n}`), copy: 0 }, 0);

    await meta.run(() => true, 5_000);

    expect(posts.flatMap((p) => ids(p.post.items)).sort()).toHaveLength(12);
    expect(posts.every((p) => p.post.items.length <= 4)).toBe(true);
    expect(posts.length).toBeLessThan(12);
  });
});
