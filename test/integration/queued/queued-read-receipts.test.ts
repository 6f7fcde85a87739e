import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GraphRequest } from '../../../devkit/graph-stub';
import { never } from '../../../devkit/lambda-host/invocation-scope';
import { defaultBot } from '../../../lambda/bots/default-bot';
import type { Bot, BotAnswer } from '../../../lambda/domain/bot';
import { METRIC } from '../../../lambda/observability/metric-names';
import { type CapturedLogs, captureLogs } from '../../support/log-capture';
import { type QueuedHarness, type QueuedHarnessOptions, startQueuedHarness } from './queued-harness';

// Issue #13 item 3 in queued mode: the worker's first lease marks the message read (with the typing
// indicator) once, before the reply; no later lease, takeover or re-drive sends another.
const READ_RECEIPTS = { MARK_AS_READ: 'true', TYPING_INDICATOR: 'true' };

let h: QueuedHarness;
let logs: CapturedLogs | undefined;
afterEach(async () => {
  await h?.close();
  logs?.restore();
  logs = undefined;
  vi.unstubAllEnvs();
});

const start = (options: QueuedHarnessOptions = {}) =>
  startQueuedHarness({ ...options, env: { ...READ_RECEIPTS, ...options.env } });

const isReceipt = (request: GraphRequest) => request.body.status === 'read';
const receiptsFor = (id: string) =>
  h.graph.requests.filter((request) => isReceipt(request) && request.body.message_id === id);
const repliesTo = (id: string) => h.graph.accepted.filter((a) => a.request.inReplyTo === id);
const settled =
  (...ids: string[]) =>
  async () =>
    (await Promise.all(ids.map((id) => h.record(id)))).every((r) => r?.state === 'done');
/** A pause in which a second receipt or reply from a late stream retry or re-drive would show. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 800));

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

describe('queued read receipts (MARK_AS_READ, TYPING_INDICATOR) on DynamoDB Local', () => {
  it('sends exactly one read receipt with the typing indicator, received before the reply', async () => {
    h = await start();

    await h.deliver(h.messages([{ id: 'wamid.rr1', text: 'test' }]));

    await h.until(settled('wamid.rr1'));
    await settle();
    const receipts = receiptsFor('wamid.rr1');
    expect(receipts.map((r) => r.body)).toEqual([
      {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: 'wamid.rr1',
        typing_indicator: { type: 'text' },
      },
    ]);
    expect(repliesTo('wamid.rr1')).toHaveLength(1);
    const order = h.graph.requests.map((r) => (isReceipt(r) ? 'receipt' : 'reply'));
    expect(order).toEqual(['receipt', 'reply']);
  });

  it('sends one receipt per message when the stream hands every batch to the worker twice', async () => {
    h = await start({ redeliverEachBatch: true });
    const ids = ['wamid.rr2a', 'wamid.rr2b', 'wamid.rr2c'];

    await h.deliver(h.messages(ids.map((id) => ({ id }))));

    await h.until(settled(...ids));
    await settle();
    expect(h.invocations.stream).toBeGreaterThanOrEqual(2);
    expect(ids.map((id) => [receiptsFor(id).length, repliesTo(id).length])).toEqual(ids.map(() => [1, 1]));
  });

  it('sends no second receipt when a re-drive takes the message over after a Graph outage', async () => {
    h = await start();
    let replyTries = 0;
    h.graph.behave((request) =>
      isReceipt(request) || ++replyTries > 3
        ? { kind: 'accept' }
        : { kind: 'error', status: 503, code: 131016 },
    );

    await h.deliver(h.messages([{ id: 'wamid.rr3' }]));

    await h.until(settled('wamid.rr3'));
    await settle();
    expect(h.redrive.history.length).toBeGreaterThanOrEqual(1);
    expect(await h.record('wamid.rr3')).toMatchObject({ state: 'done', attempt: 3 });
    expect(receiptsFor('wamid.rr3')).toHaveLength(1);
    expect(repliesTo('wamid.rr3')).toHaveLength(1);
  });

  it('sends no second receipt when the worker is stopped after it and a new lease replies', async () => {
    h = await start({ bot: botHangingOnceFor('wamid.rr4'), workerRemainingMs: 4_000 });

    await h.deliver(h.messages([{ id: 'wamid.rr4' }]));

    await h.until(settled('wamid.rr4'), 30_000);
    await settle();
    expect(h.invocations.stopped).toBeGreaterThanOrEqual(1);
    expect(receiptsFor('wamid.rr4')).toHaveLength(1);
    expect(repliesTo('wamid.rr4')).toHaveLength(1);
  });

  it.each([
    ['a 500', { kind: 'error', status: 500 } as const],
    ['no answer (a timeout)', { kind: 'hang' } as const],
  ])(
    'replies once when the receipt gets %s: the receipt is counted as failed, never retried',
    async (_, failure) => {
      vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
      logs = captureLogs();
      h = await start();
      h.graph.behave((request) => (isReceipt(request) ? failure : { kind: 'accept' }));

      await h.deliver(h.messages([{ id: 'wamid.rr5' }]));

      await h.until(settled('wamid.rr5'));
      await settle();
      expect(receiptsFor('wamid.rr5')).toHaveLength(1);
      expect(repliesTo('wamid.rr5')).toHaveLength(1);
      expect(await h.record('wamid.rr5')).toMatchObject({ state: 'done', attempt: 2 });
      const counted = logs.lines().filter((line) => line.includes(`"${METRIC.readReceiptsFailed}":1`));
      expect(counted).toHaveLength(1);
    },
  );
});
