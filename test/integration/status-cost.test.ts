import { afterEach, describe, expect, it } from 'vitest';
import { messagesWebhook, statusWebhook } from '../../devkit/meta/meta-json';
import { encodeCallbackData } from '../../lambda/domain/callback-data';
import { type Harness, PHONE_NUMBER_ID, startHarness } from './harness';

const one = (id: string) => messagesWebhook(PHONE_NUMBER_ID, [{ id, text: 'test' }]);

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Delivers one status webhook and returns the DynamoDB requests it cost, by command name. */
async function costOf(status: string, outboundId: string, callbackData: string | undefined) {
  h.resetCounts();
  const response = await h.deliver(statusWebhook(PHONE_NUMBER_ID, { id: outboundId, status, callbackData }));
  expect(response.statusCode).toBe(200);
  return { ...h.requests };
}

describe('what a status webhook costs on DynamoDB Local', () => {
  it('answers sent, delivered and read of a replied message with one read each and no write', async () => {
    h = await startHarness();
    await h.deliver(one('wamid.replied'));
    const settled = await h.record('wamid.replied');
    expect(settled).toMatchObject({ state: 'done' });
    const callbackData = h.graph.requests[0]?.callbackData;
    const outboundId = String(settled?.outboundId);

    for (const status of ['sent', 'delivered', 'read']) {
      expect(await costOf(status, outboundId, callbackData)).toEqual({ GetItemCommand: 1 });
    }
    expect(await h.record('wamid.replied')).toEqual(settled);
  });

  it('pays one write for the status that settles a timed-out send, and only reads for the next ones', async () => {
    h = await startHarness({ SEND_TIMEOUT_MS: '300', IN_FLIGHT_WAIT_MS: '0' });
    h.graph.behave(() => ({ kind: 'hang' }));
    await h.deliver(one('wamid.ambiguous'));
    expect(await h.record('wamid.ambiguous')).toMatchObject({ state: 'unknown' });
    const callbackData = h.graph.requests[0]?.callbackData;

    expect(await costOf('sent', 'wamid.outbound', callbackData)).toEqual({
      GetItemCommand: 1,
      UpdateItemCommand: 1,
    });
    expect(await h.record('wamid.ambiguous')).toMatchObject({ state: 'done', outboundId: 'wamid.outbound' });
    expect(await costOf('delivered', 'wamid.outbound', callbackData)).toEqual({ GetItemCommand: 1 });
    expect(await costOf('read', 'wamid.outbound', callbackData)).toEqual({ GetItemCommand: 1 });
  });

  it('costs two reads and no write for a status whose record does not exist', async () => {
    h = await startHarness();
    const callbackData = encodeCallbackData({
      key: { tenantId: PHONE_NUMBER_ID, messageId: 'wamid.expired-long-ago' },
      attempt: 1,
    });
    expect(await costOf('sent', 'wamid.outbound', callbackData)).toEqual({ GetItemCommand: 2 });
    expect(await h.record('wamid.expired-long-ago')).toBeUndefined();
  });

  it('costs nothing for a status of a message this service did not send', async () => {
    h = await startHarness();
    expect(await costOf('delivered', 'wamid.foreign', undefined)).toEqual({});
    expect(await costOf('delivered', 'wamid.foreign', 'someone-else|1')).toEqual({});
  });
});
