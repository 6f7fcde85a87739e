import { afterEach, describe, expect, it } from 'vitest';
import { messagesWebhook, statusWebhook } from '../../devkit/meta/meta-json';
import { decodeCallbackData } from '../../lambda/domain/callback-data';
import { type Harness, PHONE_NUMBER_ID, startHarness } from './harness';

const one = (id: string, text = 'test') => messagesWebhook(PHONE_NUMBER_ID, [{ id, text }]);

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('exactly one reply on DynamoDB Local', () => {
  it('sends exactly one Graph call for 100 concurrent deliveries of one message', async () => {
    h = await startHarness({ IN_FLIGHT_WAIT_MS: '5000' });
    h.graph.behave(() => ({ kind: 'accept', delayMs: 100 }));

    const results = await Promise.all(Array.from({ length: 100 }, () => h.deliver(one('wamid.storm'))));

    expect(h.graph.requests).toHaveLength(1);
    expect(h.graph.requests[0]?.inReplyTo).toBe('wamid.storm');
    const statuses = results.map((r) => r.statusCode);
    // Copies wait for the owner (bounded); those that saw it finish answer 200, never a second reply.
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(await h.record('wamid.storm')).toMatchObject({ state: 'done', attempt: 1 });
  });

  it('costs a first delivery two requests and a duplicate one request with no read', async () => {
    h = await startHarness();
    await h.deliver(one('wamid.cost'));
    expect(h.requests).toEqual({ PutItemCommand: 1, UpdateItemCommand: 1 });

    h.resetCounts();
    const duplicate = await h.deliver(one('wamid.cost'));
    expect(duplicate.statusCode).toBe(200);
    expect(h.requests).toEqual({ PutItemCommand: 1 });
    expect(h.graph.requests).toHaveLength(1);
  });

  it('answers only the new message of a batch redelivered with different siblings', async () => {
    h = await startHarness();
    await h.deliver(messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.b1' }, { id: 'wamid.b2' }]));
    const redelivery = await h.deliver(
      messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.b3' }, { id: 'wamid.b2' }, { id: 'wamid.b1' }]),
    );
    expect(redelivery.statusCode).toBe(200);
    expect(h.graph.requests.map((r) => r.inReplyTo).sort()).toEqual(['wamid.b1', 'wamid.b2', 'wamid.b3']);
  });

  it('takes over the claim of a winner that crashed before sending, once its lease ran out', async () => {
    h = await startHarness({ IN_FLIGHT_WAIT_MS: '0' });
    // The winner claims and dies: the Graph call never answers and the invocation is abandoned.
    h.graph.behave(() => ({ kind: 'hang' }));
    const crashed = h.app.deps.claims.claim(
      { tenantId: PHONE_NUMBER_ID, messageId: 'wamid.crash' },
      { owner: 'crashed-owner', attempt: 1, leaseUntil: h.clock.now() + 10_000, expiresAt: 2_000_000_000 },
      { nowMs: h.clock.now(), takeoverBeforeMs: h.clock.now() },
    );
    expect((await crashed).won).toBe(true);
    h.graph.behave(() => ({ kind: 'accept' }));

    const tooEarly = await h.deliver(one('wamid.crash'));
    expect(tooEarly.statusCode).toBe(503);
    expect(h.graph.requests).toHaveLength(0);

    h.clock.shift(10_000 + 3_001);
    const retry = await h.deliver(one('wamid.crash'));
    expect(retry.statusCode).toBe(200);
    expect(h.graph.requests).toHaveLength(1);
    expect(await h.record('wamid.crash')).toMatchObject({ state: 'done', attempt: 2 });
  });

  it('reuses a record whose expiry passed while TTL had not deleted it yet', async () => {
    h = await startHarness();
    await h.deliver(one('wamid.old'));
    h.clock.shift(8 * 86_400_000 + 5_000);
    const again = await h.deliver(one('wamid.old'));
    expect(again.statusCode).toBe(200);
    // Claimed again, not taken for a duplicate of the done record; then, 8 days after the user
    // wrote, the 24 h window refuses a free-form reply: window-closed, no second Graph call.
    expect(await h.record('wamid.old')).toMatchObject({ state: 'failed', errorCode: 131047, attempt: 1 });
    expect(h.graph.requests).toHaveLength(1);
  });
});

describe('Graph failures on DynamoDB Local', () => {
  it('retries throttling inside the invocation and replies once', async () => {
    h = await startHarness();
    let calls = 0;
    h.graph.behave(() => (++calls === 1 ? { kind: 'error', status: 400, code: 130429 } : { kind: 'accept' }));
    const result = await h.deliver(one('wamid.throttle'));
    expect(result.statusCode).toBe(200);
    expect(h.graph.accepted).toHaveLength(1);
  });

  it('answers 503 and gives the claim back when Graph keeps failing, then replies on redelivery', async () => {
    h = await startHarness({ SEND_MAX_ATTEMPTS: '2' });
    h.graph.behave(() => ({ kind: 'error', status: 500, code: 131000 }));
    const failed = await h.deliver(one('wamid.down'));
    expect(failed.statusCode).toBe(503);
    expect(await h.record('wamid.down')).toMatchObject({ state: 'released' });

    h.graph.behave(() => ({ kind: 'accept' }));
    const retry = await h.deliver(one('wamid.down'));
    expect(retry.statusCode).toBe(200);
    expect(h.graph.accepted).toHaveLength(1);
    expect(await h.record('wamid.down')).toMatchObject({ state: 'done', attempt: 2 });
  });

  it('ends a permanent error in a terminal record and never calls Graph for it again', async () => {
    h = await startHarness();
    h.graph.behave(() => ({ kind: 'error', status: 400, code: 131047 }));
    const result = await h.deliver(one('wamid.window'));
    expect(result.statusCode).toBe(200);
    expect(await h.record('wamid.window')).toMatchObject({ state: 'failed', errorCode: 131047 });

    await h.deliver(one('wamid.window'));
    expect(h.graph.requests).toHaveLength(1);
  });

  it('settles a timed-out send from its sent status, so the redelivery does not reply again', async () => {
    h = await startHarness({ SEND_TIMEOUT_MS: '300', IN_FLIGHT_WAIT_MS: '0' });
    h.graph.behave(() => ({ kind: 'hang' }));
    const timedOut = await h.deliver(one('wamid.ambiguous'));
    expect(timedOut.statusCode).toBe(503);
    expect(await h.record('wamid.ambiguous')).toMatchObject({ state: 'unknown' });

    const [request] = h.graph.requests;
    expect(decodeCallbackData(request?.callbackData)?.key.messageId).toBe('wamid.ambiguous');
    const status = await h.deliver(
      statusWebhook(PHONE_NUMBER_ID, {
        id: 'wamid.outbound',
        status: 'sent',
        callbackData: request?.callbackData,
      }),
    );
    expect(status.statusCode).toBe(200);
    expect(await h.record('wamid.ambiguous')).toMatchObject({ state: 'done', outboundId: 'wamid.outbound' });

    h.clock.shift(60_000);
    h.graph.behave(() => ({ kind: 'accept' }));
    const redelivery = await h.deliver(one('wamid.ambiguous'));
    expect(redelivery.statusCode).toBe(200);
    expect(h.graph.requests).toHaveLength(1);
  });

  it('resends a timed-out send once when no status confirmed it within the grace', async () => {
    h = await startHarness({ SEND_TIMEOUT_MS: '300', IN_FLIGHT_WAIT_MS: '0' });
    h.graph.behave(() => ({ kind: 'hang' }));
    await h.deliver(one('wamid.lost'));

    h.graph.behave(() => ({ kind: 'accept' }));
    h.clock.shift(30_000 + 3_001);
    const redelivery = await h.deliver(one('wamid.lost'));
    expect(redelivery.statusCode).toBe(200);
    expect(h.graph.accepted).toHaveLength(1);
    expect(await h.record('wamid.lost')).toMatchObject({ state: 'done', attempt: 2 });
  });
});
