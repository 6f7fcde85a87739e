import { afterEach, describe, expect, it } from 'vitest';
import { never } from '../../../devkit/lambda-host/invocation-scope';
import { statusWebhook } from '../../../devkit/meta/meta-json';
import { defaultBot } from '../../../lambda/bots/default-bot';
import type { Bot, BotAnswer } from '../../../lambda/domain/bot';
import { PHONE_NUMBER_ID, type QueuedHarness, startQueuedHarness } from './queued-harness';

let h: QueuedHarness;
afterEach(async () => {
  await h?.close();
});

const repliesTo = (id: string) => h.graph.accepted.filter((a) => a.request.inReplyTo === id);
const settled =
  (...ids: string[]) =>
  async () =>
    (await Promise.all(ids.map((id) => h.record(id)))).every((r) => r?.state === 'done');

/** The default bot, except that its first compose for `messageId` never returns (a worker stopped there). */
function botHangingOnceFor(messageId: string): Bot {
  let hung = false;
  return {
    compose(message, context) {
      if (message.key.messageId === messageId && !hung) {
        hung = true;
        return never<BotAnswer>();
      }
      return defaultBot.compose(message, context);
    },
  };
}

/** Confirms a reply the way Meta does, through the queued webhook: a `sent` status with its callback data. */
async function sentStatusFor(index: number) {
  const accepted = h.graph.accepted[index];
  if (!accepted) throw new Error('no accepted reply to confirm');
  const response = await h.deliver(
    statusWebhook(PHONE_NUMBER_ID, {
      id: accepted.outboundId,
      status: 'sent',
      ...(accepted.request.callbackData ? { callbackData: accepted.request.callbackData } : {}),
    }),
  );
  expect(response.statusCode).toBe(200);
}

describe('queued mode under worker and Graph faults', () => {
  it('replies once when the worker is stopped before its send: the stream retry re-drives it', async () => {
    h = await startQueuedHarness({ bot: botHangingOnceFor('wamid.k1'), workerRemainingMs: 4_000 });

    await h.deliver(h.messages([{ id: 'wamid.k1' }]));

    await h.until(settled('wamid.k1'), 30_000);
    expect(h.invocations.stopped).toBeGreaterThanOrEqual(1);
    expect(h.redrive.history.length).toBeGreaterThanOrEqual(1);
    expect(repliesTo('wamid.k1')).toHaveLength(1);
    expect(h.graph.requests).toHaveLength(1);
  });

  it('replies once when the worker is stopped after its send, before settling: the sent status settles it', async () => {
    let first = true;
    h = await startQueuedHarness({
      workerRemainingMs: 4_000,
      workerFetch: (real) => async (url, init) => {
        const response = await real(url, init);
        if (!first) return response;
        first = false;
        // The reply left and Graph answered, but the worker never gets to record it.
        return never<Response>();
      },
    });

    await h.deliver(h.messages([{ id: 'wamid.k2' }]));
    await h.until(() => h.graph.accepted.length === 1);
    await sentStatusFor(0);

    await h.until(settled('wamid.k2'));
    await h.until(() => h.invocations.stopped >= 1 && h.invocations.stream >= 2, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(h.graph.requests).toHaveLength(1);
    expect(repliesTo('wamid.k2')).toHaveLength(1);
  });

  it('replies once to each message of a batch whose worker was stopped mid-batch', async () => {
    h = await startQueuedHarness({ bot: botHangingOnceFor('wamid.m2'), workerRemainingMs: 4_000 });

    await h.deliver(h.messages([{ id: 'wamid.m1' }, { id: 'wamid.m2' }, { id: 'wamid.m3' }]));

    await h.until(settled('wamid.m1', 'wamid.m2', 'wamid.m3'), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.invocations.stopped).toBeGreaterThanOrEqual(1);
    expect(h.graph.requests.map((r) => r.inReplyTo).sort()).toEqual(['wamid.m1', 'wamid.m2', 'wamid.m3']);
  });

  it('re-drives through a Graph outage with backoff and replies once when it is back', async () => {
    h = await startQueuedHarness();
    h.graph.behave(() =>
      h.graph.requests.length <= 3 ? { kind: 'error', status: 503, code: 131016 } : { kind: 'accept' },
    );

    await h.deliver(h.messages([{ id: 'wamid.down' }]));

    await h.until(settled('wamid.down'));
    expect(h.graph.requests).toHaveLength(4);
    expect(repliesTo('wamid.down')).toHaveLength(1);
    expect(h.redrive.history).toEqual([expect.objectContaining({ observedAttempt: 2, delaySeconds: 2 })]);
    expect(await h.record('wamid.down')).toMatchObject({ state: 'done', attempt: 3 });
  });

  it('does not resend an ambiguous send that a sent status confirms within the grace', async () => {
    h = await startQueuedHarness({ env: { SEND_TIMEOUT_MS: '500', AMBIGUOUS_GRACE_MS: '2000' } });
    h.graph.behave(() =>
      h.graph.requests.length === 1 ? { kind: 'hang', delivered: true } : { kind: 'accept' },
    );

    await h.deliver(h.messages([{ id: 'wamid.amb1' }]));
    await h.until(async () => (await h.record('wamid.amb1'))?.state === 'unknown');
    await sentStatusFor(0);
    h.clock.shift(10_000);

    await h.until(() => h.invocations.redrive >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.record('wamid.amb1')).toMatchObject({ state: 'done', attempt: 2 });
    expect(h.graph.requests).toHaveLength(1);
  });

  it('resends an ambiguous send once when no status came within the grace', async () => {
    h = await startQueuedHarness({ env: { SEND_TIMEOUT_MS: '500', AMBIGUOUS_GRACE_MS: '2000' } });
    h.graph.behave(() => (h.graph.requests.length === 1 ? { kind: 'hang' } : { kind: 'accept' }));

    await h.deliver(h.messages([{ id: 'wamid.amb2' }]));
    await h.until(async () => (await h.record('wamid.amb2'))?.state === 'unknown');
    h.clock.shift(10_000);

    await h.until(settled('wamid.amb2'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.graph.requests).toHaveLength(2);
    expect(repliesTo('wamid.amb2')).toHaveLength(1);
    expect(await h.record('wamid.amb2')).toMatchObject({ state: 'done', attempt: 3 });
  });
});
