import { afterEach, describe, expect, it } from 'vitest';
import { never } from '../../devkit/lambda-host/invocation-scope';
import { messagesWebhook, statusWebhook } from '../../devkit/meta/meta-json';
import { type FaultHarness, PHONE_NUMBER_ID, startFaultHarness } from './fault-harness';

let h: FaultHarness;
afterEach(async () => {
  await h?.close();
});

const changesOf = (body: { entry: { changes: unknown[] }[] }) => body.entry.flatMap((e) => e.changes);
const repliesTo = (messageId: string) => h.graph.accepted.filter((a) => a.request.inReplyTo === messageId);

describe('a status batched with a slow message', () => {
  it('settles its reply even when the message beside it outlives the invocation', async () => {
    h = await startFaultHarness({
      // A's owner sends, Graph accepts, and the owner dies before recording the send.
      dynamo: (call) =>
        call.operation === 'complete' && call.pk === `${PHONE_NUMBER_ID}#wamid.A` && call.attempt === 1
          ? { kind: 'die' }
          : undefined,
      // B's bot is expensive: it is still composing when the invocation reaches its deadline.
      bot: (message) => (message.key.messageId === 'wamid.B' ? { kind: 'stall', until: never } : undefined),
    });
    const first = await h.deliver(messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.A' }]));
    expect(first.answer.kind).toBe('died');
    const sent = repliesTo('wamid.A')[0];
    expect(sent).toBeDefined();

    // Meta delivers A's `sent` status at once, in one body with a new message B.
    const status = statusWebhook(PHONE_NUMBER_ID, {
      id: sent?.outboundId ?? '',
      status: 'sent',
      callbackData: sent?.request.callbackData,
    });
    const message = messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.B' }]);
    const busy = await h.deliver({
      ...message,
      entry: [{ id: 'waba', changes: [...changesOf(message), ...changesOf(status)] }],
    });
    // middy answers 500 just before the deadline (timeoutEarlyInMillis); B's bot is still composing.
    expect(busy.answer).toMatchObject({ kind: 'answered', statusCode: 500 });

    // A's lease and grace are over by now: Meta's redelivery of A must find it settled, not resend.
    const redelivery = await h.deliver(messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.A' }]));
    expect(redelivery.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(repliesTo('wamid.A')).toHaveLength(1);
    expect(await h.record('wamid.A')).toMatchObject({ state: 'done', outboundId: sent?.outboundId });
  });
});
