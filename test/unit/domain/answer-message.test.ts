import { describe, expect, it } from 'vitest';
import { MAX_REPLY_LENGTH } from '../../../lambda/domain/answer-as-owner';
import { answerMessage } from '../../../lambda/domain/answer-message';
import { decodeCallbackData } from '../../../lambda/domain/callback-data';
import { recordKey } from '../../../lambda/domain/messages';
import { reconcileStatus } from '../../../lambda/domain/reconcile-status';
import { message, TUNING, useCaseFixture } from './use-case-fixture';

const KEY_ID = '106540352242922#wamid.A';

describe('answerMessage on a first delivery', () => {
  it('claims the message, sends one reply and records it as done in two store writes', async () => {
    const f = useCaseFixture();
    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.sent).toHaveLength(1);
    expect(f.claims.calls).toEqual(['claim', 'complete']);
    expect(f.claims.records.get(KEY_ID)).toMatchObject({
      state: 'done',
      attempt: 1,
      outboundId: 'wamid.out-1',
    });
  });

  it('quotes the inbound message and tags the reply with callback data naming message and attempt', async () => {
    const f = useCaseFixture();
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    const [reply] = f.sent;
    expect(reply).toMatchObject({ tenantId: '106540352242922', to: '16505551234', inReplyTo: 'wamid.A' });
    expect(reply?.part).toEqual({ kind: 'text', body: 'test is working' });
    expect(decodeCallbackData(reply?.callbackData)).toEqual({
      key: { tenantId: '106540352242922', messageId: 'wamid.A' },
      attempt: 1,
    });
  });

  it('leases the claim until the deadline minus the safety margin and keeps the record eight days', async () => {
    const f = useCaseFixture();
    const deadline = f.deadline(20_000);
    f.onSend(() => {
      expect(f.claims.records.get(KEY_ID)).toMatchObject({
        state: 'claimed',
        leaseUntil: deadline - TUNING.leaseSafetyMs,
        expiresAt: Math.floor(f.clock.now() / 1000) + 8 * 86_400,
      });
    });
    await answerMessage(f.deps, { message: message(), deadline });
    expect(f.sent).toHaveLength(1);
  });

  it('never gives the Graph call a timeout that outlives the lease', async () => {
    const f = useCaseFixture({ sendTimeoutMs: 8_000 });
    await answerMessage(f.deps, { message: message(), deadline: f.deadline(5_000) });
    const leaseLeft = 5_000 - TUNING.leaseSafetyMs;
    expect(f.sent[0]?.timeoutMs).toBeLessThan(leaseLeft);
  });

  it('cuts reply text to the 4096 characters WhatsApp accepts', async () => {
    const f = useCaseFixture();
    f.deps.bot = { compose: async () => [{ kind: 'text', body: 'x'.repeat(5000) }] };
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    const part = f.sent[0]?.part;
    expect(part?.kind === 'text' ? part.body : undefined).toHaveLength(MAX_REPLY_LENGTH);
  });

  it('does not claim when too little time is left to send inside the lease', async () => {
    const f = useCaseFixture();
    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline(2_100) });
    expect(outcome).toEqual({ kind: 'retry-later', reason: 'no-time-left' });
    expect(f.claims.calls).toEqual([]);
  });
});

describe('answerMessage on a duplicate', () => {
  it('returns duplicate after one failed claim when the message is already done', async () => {
    const f = useCaseFixture();
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    f.claims.calls.length = 0;

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'duplicate', reason: 'already-processed' });
    expect(f.claims.calls).toEqual(['claim']);
    expect(f.sent).toHaveLength(1);
    expect(f.observer.events).toContainEqual({
      event: 'duplicate',
      args: [message().key, 'already-processed'],
    });
  });

  it('answers retry-later to a copy that arrives while the owner is still sending', async () => {
    const f = useCaseFixture();
    const copies: unknown[] = [];
    f.onSend(async () => {
      copies.push(await answerMessage(f.deps, { message: message(), deadline: f.deadline() }));
    });
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(copies).toEqual([{ kind: 'retry-later', reason: 'in-flight' }]);
    expect(f.sent).toHaveLength(1);
  });

  it('answers duplicate when the owner completes during the wait', async () => {
    const f = useCaseFixture();
    await f.claims.claim(
      message().key,
      { owner: 'other', attempt: 1, leaseUntil: f.clock.now() + 10_000, expiresAt: 2e9 },
      { nowMs: f.clock.now(), takeoverBeforeMs: f.clock.now() },
    );
    const sleep = f.clock.sleep;
    f.deps.clock = {
      now: f.clock.now,
      sleep: async (ms) => {
        await sleep(ms);
        await f.claims.complete(message().key, { owner: 'other', attempt: 1 }, 'wamid.out-other');
      },
    };

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'duplicate', reason: 'in-flight' });
    expect(f.sent).toHaveLength(0);
    expect(f.observer.names()).toEqual(['duplicate', 'inFlightWaitEnded']);
    expect(f.observer.events[1]?.args[1]).toBe('settled');
  });

  it('answers retry-later without sending when the owner is still in flight after the wait', async () => {
    const f = useCaseFixture();
    await f.claims.claim(
      message().key,
      { owner: 'other', attempt: 1, leaseUntil: f.clock.now() + 15_000, expiresAt: 2e9 },
      { nowMs: f.clock.now(), takeoverBeforeMs: f.clock.now() },
    );
    const started = f.clock.now();
    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'retry-later', reason: 'in-flight' });
    expect(f.sent).toHaveLength(0);
    expect(f.clock.now() - started).toBeLessThanOrEqual(TUNING.inFlightWaitMs);
    expect(f.observer.events).toContainEqual({ event: 'duplicate', args: [message().key, 'in-flight'] });
  });

  it('bounds the wait by the remaining time as well as by configuration', async () => {
    const f = useCaseFixture({ inFlightWaitMs: 20_000 });
    await f.claims.claim(
      message().key,
      { owner: 'other', attempt: 1, leaseUntil: f.clock.now() + 60_000, expiresAt: 2e9 },
      { nowMs: f.clock.now(), takeoverBeforeMs: f.clock.now() },
    );
    const started = f.clock.now();
    await answerMessage(f.deps, { message: message(), deadline: f.deadline(4_000) });
    expect(f.clock.now() - started).toBeLessThan(4_000 - TUNING.leaseSafetyMs);
  });
});

describe('answerMessage taking over a claim', () => {
  const claimedBy = async (
    f: ReturnType<typeof useCaseFixture>,
    state: 'crashed' | 'released',
    leaseEndsInMs: number,
  ) => {
    const key = message().key;
    const now = f.clock.now();
    await f.claims.claim(
      key,
      { owner: 'dead', attempt: 1, leaseUntil: now + leaseEndsInMs, expiresAt: 2e9 },
      { nowMs: now, takeoverBeforeMs: now },
    );
    if (state === 'released') await f.claims.release(key, { owner: 'dead', attempt: 1 });
  };

  it('takes over a crashed winner once its lease and the grace have run out, as attempt 2', async () => {
    const f = useCaseFixture();
    await claimedBy(f, 'crashed', -(TUNING.takeoverGraceMs + 1));
    f.claims.calls.length = 0;

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'done', attempt: 2 });
    expect(f.observer.events).toContainEqual({ event: 'claimed', args: [message().key, 2, 'claimed'] });
    // The first claim (attempt 1) fails and returns the stale record; the second takes it over.
    expect(f.claims.calls).toEqual(['claim', 'claim', 'complete']);
  });

  it('does not take over a lease that ended less than the grace ago', async () => {
    const f = useCaseFixture({ inFlightWaitMs: 0 });
    await claimedBy(f, 'crashed', -(TUNING.takeoverGraceMs - 500));

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'retry-later', reason: 'in-flight' });
    expect(f.sent).toHaveLength(0);
  });

  it('takes over a claim given back after a retryable failure at once', async () => {
    const f = useCaseFixture();
    await claimedBy(f, 'released', 60_000);

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'done', attempt: 2 });
  });

  it('takes over during the wait when the in-flight owner gives the claim back', async () => {
    const f = useCaseFixture();
    await claimedBy(f, 'crashed', 60_000);
    const sleep = f.clock.sleep;
    f.deps.clock = {
      now: f.clock.now,
      sleep: async (ms) => {
        await sleep(ms);
        await f.claims.release(message().key, { owner: 'dead', attempt: 1 });
      },
    };

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.observer.events).toContainEqual({
      event: 'inFlightWaitEnded',
      args: [message().key, 'takeover'],
    });
  });

  it('reuses a record whose expiry has passed even though TTL has not deleted it', async () => {
    const f = useCaseFixture();
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    f.clock.advance(TUNING.dedupTtlSeconds * 1000 + 1_000);

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.sent).toHaveLength(2);
  });

  it('lets only one of two racing takers win an expired lease', async () => {
    const f = useCaseFixture({ inFlightWaitMs: 0 });
    await claimedBy(f, 'crashed', -(TUNING.takeoverGraceMs + 1));
    const outcomes = await Promise.all([
      answerMessage(f.deps, { message: message(), deadline: f.deadline() }),
      answerMessage(f.deps, { message: message(), deadline: f.deadline() }),
    ]);
    expect(f.sent).toHaveLength(1);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['replied', 'retry-later']);
  });
});

describe('answerMessage fencing', () => {
  it("refuses a zombie's completion after its claim was taken over", async () => {
    const f = useCaseFixture();
    const deadline = f.deadline(10_000);
    f.onSend(async () => {
      if (f.sent.length > 1) return;
      // The first owner freezes past its lease; a later delivery takes over and finishes first.
      f.clock.advance(10_000 + TUNING.takeoverGraceMs);
      const taker = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
      expect(taker).toEqual({ kind: 'replied' });
    });

    await answerMessage(f.deps, { message: message(), deadline });

    const record = f.claims.records.get(KEY_ID);
    expect(record).toMatchObject({ state: 'done', attempt: 2 });
    expect(record?.owner).not.toBe('owner-1');
    expect(f.observer.events).toContainEqual({
      event: 'settleWrite',
      args: [message().key, 'complete', 'fenced-out'],
    });
  });
});

describe('answerMessage when the Graph send fails', () => {
  it('retries a retryable error with backoff and replies once it succeeds', async () => {
    const f = useCaseFixture();
    f.scriptSends({ kind: 'retryable', code: 130429, detail: 'HTTP 400 code 130429' });
    const started = f.clock.now();

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.sent).toHaveLength(2);
    expect(f.clock.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('gives the claim back and asks for a redelivery when retryable errors persist', async () => {
    const f = useCaseFixture();
    const busy = { kind: 'retryable', code: 131000, detail: 'HTTP 500 code 131000' } as const;
    f.scriptSends(busy, busy, busy);

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'retry-later', reason: 'send-failed' });
    expect(f.sent).toHaveLength(TUNING.sendMaxAttempts);
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'released' });

    const redelivery = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(redelivery).toEqual({ kind: 'replied' });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'done', attempt: 2 });
  });

  it('ends in a terminal record without retrying on a permanent error', async () => {
    const f = useCaseFixture();
    f.scriptSends({ kind: 'permanent', code: 131047, detail: 'HTTP 400 code 131047' });

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'terminal', reason: 'permanent-error' });
    expect(f.sent).toHaveLength(1);
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'failed', errorCode: 131047 });
    const redelivery = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(redelivery).toEqual({ kind: 'duplicate', reason: 'already-processed' });
    expect(f.sent).toHaveLength(1);
  });

  it('gives the claim back when the bot itself fails', async () => {
    const f = useCaseFixture();
    f.deps.bot = {
      compose: () => {
        throw new Error('model unavailable');
      },
    };
    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(outcome).toEqual({ kind: 'retry-later', reason: 'send-failed' });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'released' });
  });
});

describe('answerMessage after an ambiguous send', () => {
  const ambiguous = { kind: 'ambiguous', detail: 'request may have left: TimeoutError' } as const;

  it('marks the outcome unknown and asks for a redelivery without resending', async () => {
    const f = useCaseFixture();
    f.scriptSends(ambiguous);

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'retry-later', reason: 'ambiguous-send' });
    expect(f.sent).toHaveLength(1);
    expect(f.claims.records.get(KEY_ID)).toMatchObject({
      state: 'unknown',
      leaseUntil: f.clock.now() + TUNING.ambiguousGraceMs,
    });
  });

  it('never resends once a sent status confirmed the earlier send', async () => {
    const f = useCaseFixture();
    f.scriptSends(ambiguous);
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    await reconcileStatus(f.deps, {
      tenantId: '106540352242922',
      outboundId: 'wamid.out-late',
      status: 'sent',
      callbackData: f.sent[0]?.callbackData,
      errorCodes: [],
    });
    f.clock.advance(TUNING.ambiguousGraceMs + TUNING.takeoverGraceMs + 1);

    const redelivery = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(redelivery).toEqual({ kind: 'duplicate', reason: 'already-processed' });
    expect(f.sent).toHaveLength(1);
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'done', outboundId: 'wamid.out-late' });
  });

  it('waits out the confirmation grace, then resends once when no status confirmed the send', async () => {
    const f = useCaseFixture({ inFlightWaitMs: 0 });
    f.scriptSends(ambiguous);
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    const early = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(early).toEqual({ kind: 'retry-later', reason: 'in-flight' });
    expect(f.sent).toHaveLength(1);

    f.clock.advance(TUNING.ambiguousGraceMs + TUNING.takeoverGraceMs + 1);
    const late = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(late).toEqual({ kind: 'replied' });
    expect(f.sent).toHaveLength(2);
    expect(f.observer.events).toContainEqual({ event: 'claimed', args: [message().key, 2, 'unknown'] });
  });
});

describe('answerMessage when the store fails', () => {
  it('fails closed without sending when the claim write fails', async () => {
    const f = useCaseFixture();
    f.claims.failNext.set('claim', 1);

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'store-error' });
    expect(f.sent).toHaveLength(0);
  });

  it('retries a failed completion write and still records the reply', async () => {
    const f = useCaseFixture();
    f.claims.failNext.set('complete', 2);

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'done' });
  });

  it('still reports the reply as sent when the completion never lands, leaving it to the status webhook', async () => {
    const f = useCaseFixture();
    f.claims.failNext.set('complete', 10);

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'claimed' });
    expect(f.observer.names()).toContain('storeError');
    await reconcileStatus(f.deps, {
      tenantId: '106540352242922',
      outboundId: 'wamid.out-1',
      status: 'sent',
      callbackData: f.sent[0]?.callbackData,
      errorCodes: [],
    });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'done' });
  });
});

describe('answerMessage for messages the bot does not answer', () => {
  it('settles a reaction done without a send: the bot answers it with no part', async () => {
    const f = useCaseFixture();
    const outcome = await answerMessage(f.deps, {
      message: message('wamid.R', { type: 'reaction', text: undefined }),
      deadline: f.deadline(),
    });
    expect(outcome).toEqual({ kind: 'no-reply' });
    expect(f.claims.calls).toEqual(['claim', 'complete']);
    expect(
      f.claims.records.get(recordKey({ tenantId: '106540352242922', messageId: 'wamid.R' })),
    ).toMatchObject({
      state: 'done',
      outboundId: undefined,
    });
    expect(f.sent).toEqual([]);
  });

  it('answers retry-later when the completion of an unanswered message never lands: no status will settle it', async () => {
    const f = useCaseFixture();
    f.claims.failNext.set('complete', 10);
    const reaction = message('wamid.R', { type: 'reaction', text: undefined });

    const outcome = await answerMessage(f.deps, { message: reaction, deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'retry-later', reason: 'settle-failed' });
    expect(f.sent).toEqual([]);
    expect(f.observer.names()).toContain('storeError');
  });

  it('ends as terminal when the message carries no address to reply to', async () => {
    const f = useCaseFixture();
    const outcome = await answerMessage(f.deps, {
      message: message('wamid.N', { replyTo: undefined }),
      deadline: f.deadline(),
    });
    expect(outcome).toEqual({ kind: 'terminal', reason: 'no-address' });
    expect(f.sent).toHaveLength(0);
  });
});

describe('answerMessage send timeout', () => {
  it('uses a configured timeout shorter than the minimum send window as is', async () => {
    const f = useCaseFixture({ sendTimeoutMs: 300 });
    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.sent[0]?.timeoutMs).toBe(300);
  });
});

describe('reconcileStatus after a resend', () => {
  it('reports a double reply when an earlier attempt is confirmed after a later one resent', async () => {
    const f = useCaseFixture({ inFlightWaitMs: 0 });
    f.scriptSends({ kind: 'ambiguous', detail: 'timeout' });
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    const firstCallback = f.sent[0]?.callbackData;
    f.clock.advance(TUNING.ambiguousGraceMs + TUNING.takeoverGraceMs + 1);
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    await reconcileStatus(f.deps, {
      tenantId: '106540352242922',
      outboundId: 'wamid.first-reply',
      status: 'sent',
      callbackData: firstCallback,
      errorCodes: [],
    });

    expect(f.observer.events).toContainEqual({
      event: 'doubleReply',
      args: [message().key, { confirmedAttempt: 1, settledAttempt: 2 }],
    });
  });

  it('reports nothing for the usual statuses of the reply that settled the record', async () => {
    const f = useCaseFixture();
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    for (const status of ['sent', 'delivered', 'read']) {
      await reconcileStatus(f.deps, {
        tenantId: '106540352242922',
        outboundId: 'wamid.out-1',
        status,
        callbackData: f.sent[0]?.callbackData,
        errorCodes: [],
      });
    }
    expect(f.observer.names()).not.toContain('doubleReply');
    expect(f.observer.names()).not.toContain('statusReconciled');
  });
});

describe('reconcileStatus counting reconciliations', () => {
  const sentStatus = (callbackData: string | undefined) => ({
    tenantId: '106540352242922',
    outboundId: 'wamid.out-fast',
    status: 'sent',
    callbackData,
    errorCodes: [],
  });

  it('does not count a status that beats a live owner to its own completion as a reconciliation', async () => {
    const f = useCaseFixture();
    f.onSend(async (reply) => {
      await reconcileStatus(f.deps, sentStatus(reply.callbackData));
    });
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(f.observer.names()).not.toContain('statusReconciled');
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'done' });
  });

  it('counts a status that settles the claim of an owner whose lease ran out', async () => {
    const f = useCaseFixture();
    f.claims.failNext.set('complete', 10);
    await answerMessage(f.deps, { message: message(), deadline: f.deadline(5_000) });
    f.clock.advance(5_000);
    await reconcileStatus(f.deps, sentStatus(f.sent[0]?.callbackData));
    expect(f.observer.names()).toContain('statusReconciled');
  });
});

describe('reconcileStatus counting double replies (the model checker found these trails)', () => {
  const status = (outboundId: string, callbackData: string | undefined) => ({
    tenantId: '106540352242922',
    outboundId,
    status: 'sent',
    callbackData,
    errorCodes: [],
  });

  it('counts a double reply when the first reply is confirmed while the taker still holds the claim', async () => {
    const f = useCaseFixture({ inFlightWaitMs: 0 });
    f.claims.failNext.set('complete', 10);
    await answerMessage(f.deps, { message: message(), deadline: f.deadline(5_000) });
    const first = f.sent[0]?.callbackData;
    f.clock.advance(5_000 + TUNING.takeoverGraceMs);
    f.claims.failNext.clear();
    f.onSend(async () => {
      // Reply 1's late status lands while attempt 2 is sending.
      await reconcileStatus(f.deps, status('wamid.out-1', first));
    });
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({
      state: 'done',
      attempt: 2,
      outboundId: 'wamid.out-1',
    });

    await reconcileStatus(f.deps, status('wamid.out-2', f.sent[1]?.callbackData));

    expect(f.observer.names().filter((name) => name === 'doubleReply')).toHaveLength(1);
  });

  it('settles a failed record as done when an earlier reply turns out to have reached the user', async () => {
    const f = useCaseFixture({ inFlightWaitMs: 0 });
    f.claims.failNext.set('complete', 10);
    await answerMessage(f.deps, { message: message(), deadline: f.deadline(5_000) });
    f.clock.advance(5_000 + TUNING.takeoverGraceMs);
    f.claims.failNext.clear();
    f.scriptSends({ kind: 'permanent', code: 131026, detail: 'undeliverable' });
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'failed' });

    await reconcileStatus(f.deps, status('wamid.out-1', f.sent[0]?.callbackData));
    expect(f.claims.records.get(KEY_ID)).toMatchObject({ state: 'done', outboundId: 'wamid.out-1' });
    expect(f.observer.names()).not.toContain('doubleReply');
  });
});

describe('answerMessage when a settling write never lands', () => {
  it.each([
    ['markUnknown', { kind: 'ambiguous', detail: 'timeout' }],
    ['markFailed', { kind: 'permanent', code: 131047, detail: 'window closed' }],
    ['release', { kind: 'retryable', code: 130429, detail: 'throttled' }],
  ] as const)('reports the store error under the store method name %s', async (operation, send) => {
    const f = useCaseFixture({ sendMaxAttempts: 1 });
    f.scriptSends(send);
    f.claims.failNext.set(operation, 10);

    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(f.observer.events).toContainEqual({
      event: 'storeError',
      args: [message().key, operation, expect.objectContaining({ message: 'injected store failure' })],
    });
  });
});
