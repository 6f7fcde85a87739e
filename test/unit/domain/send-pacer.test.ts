import { describe, expect, it } from 'vitest';
import type { OutboundReply, SendResult } from '../../../lambda/domain/ports';
import { pacedReplies, tokenBucketPacer } from '../../../lambda/domain/send-pacer';
import { FakeClock } from '../../support/fake-clock';

const reply = (tenantId: string): OutboundReply => ({
  tenantId,
  to: '1650',
  part: { kind: 'text', body: 'hi' },
  inReplyTo: 'wamid.A',
  callbackData: undefined,
  timeoutMs: 8_000,
});

describe('tokenBucketPacer', () => {
  it('lets a second of sends through at once, then spaces the rest at the rate', () => {
    const pacer = tokenBucketPacer(10);
    const waits = Array.from({ length: 13 }, () => pacer.reserve('A', 0, 10_000));
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits.slice(10)).toEqual([100, 200, 300]);
  });

  it('keeps one budget per business number', () => {
    const pacer = tokenBucketPacer(1);
    expect(pacer.reserve('A', 0, 10_000)).toBe(0);
    expect(pacer.reserve('B', 0, 10_000)).toBe(0);
    expect(pacer.reserve('A', 0, 10_000)).toBe(1_000);
  });

  it('reserves nothing when the slot is further off than the caller can wait', () => {
    const pacer = tokenBucketPacer(1);
    pacer.reserve('A', 0, 10_000);
    expect(pacer.reserve('A', 0, 500)).toBeUndefined();
    expect(pacer.reserve('A', 0, 10_000)).toBe(1_000);
  });

  it('holds a number for about a second after Graph says its throughput is reached', () => {
    const pacer = tokenBucketPacer(80);
    pacer.backOff('A', 0);
    expect(pacer.reserve('A', 0, 10_000)).toBe(1_000);
  });
});

describe('pacedReplies', () => {
  it('waits for the slot on the clock and shortens the send timeout by the wait', async () => {
    const clock = new FakeClock(0);
    const seen: OutboundReply[] = [];
    const sender = pacedReplies(
      {
        send: async (r) => {
          seen.push(r);
          return { kind: 'sent', outboundId: 'x' };
        },
        markRead: async () => 'ok',
      },
      tokenBucketPacer(1),
      clock,
    );
    await sender.send(reply('A'));
    await sender.send(reply('A'));
    expect(clock.now()).toBe(1_000);
    expect(seen.map((r) => r.timeoutMs)).toEqual([8_000, 7_000]);
  });

  it('answers retryable without calling Graph when the slot would not leave time to send', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const sender = pacedReplies(
      {
        send: async () => {
          calls++;
          return { kind: 'sent', outboundId: 'x' };
        },
        markRead: async () => 'ok',
      },
      tokenBucketPacer(1),
      clock,
    );
    await sender.send(reply('A'));
    const result = await sender.send({ ...reply('A'), timeoutMs: 1_000 });
    expect(result).toMatchObject({ kind: 'retryable' });
    expect(calls).toBe(1);
  });

  it('backs the number off on 130429', async () => {
    const clock = new FakeClock(0);
    const throttled: SendResult = { kind: 'retryable', code: 130429, detail: 'throughput' };
    const sender = pacedReplies(
      { send: async () => throttled, markRead: async () => 'ok' },
      tokenBucketPacer(80),
      clock,
    );
    await sender.send(reply('A'));
    await sender.send(reply('A'));
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
  });
});
