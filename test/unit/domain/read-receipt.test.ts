import { describe, expect, it } from 'vitest';
import { answerMessage } from '../../../lambda/domain/answer-message';
import { message, useCaseFixture } from './use-case-fixture';

const readReceipts = { markAsRead: true, typingIndicator: false };

describe('the read receipt (MARK_AS_READ, TYPING_INDICATOR)', () => {
  it('is off by default: no receipt, the reply as before', async () => {
    const f = useCaseFixture();
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(f.receipts).toEqual([]);
    expect(f.sent).toHaveLength(1);
  });

  it('marks the message read once, by the first owner, before its reply', async () => {
    const f = useCaseFixture(readReceipts);
    const order: string[] = [];
    f.onSend(() => {
      order.push(`reply after ${f.receipts.length} receipt(s)`);
    });
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(f.receipts).toEqual([
      { tenantId: '106540352242922', messageId: 'wamid.A', typing: false, timeoutMs: 1_000 },
    ]);
    expect(order).toEqual(['reply after 1 receipt(s)']);
    expect(f.observer.events.find((e) => e.event === 'readReceipt')?.args.slice(1)).toEqual(['ok', false]);
  });

  it('asks for the typing indicator in the same request when TYPING_INDICATOR is on', async () => {
    const f = useCaseFixture({ markAsRead: false, typingIndicator: true });
    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(f.receipts.map((receipt) => receipt.typing)).toEqual([true]);
  });

  it('never blocks the reply: a failed receipt is reported, the reply is sent, nothing is retried', async () => {
    const f = useCaseFixture(readReceipts);
    f.failReceipts();
    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.receipts).toHaveLength(1);
    expect(f.sent).toHaveLength(1);
    expect(f.observer.events.find((e) => e.event === 'readReceipt')?.args.slice(1)).toEqual([
      'failed',
      false,
    ]);
  });

  it('is not sent again by a later owner: a retried delivery taking the message over sends none', async () => {
    const f = useCaseFixture(readReceipts);
    f.scriptSends(
      { kind: 'retryable', code: 131000, detail: 'down' },
      { kind: 'retryable', code: 131000, detail: 'down' },
      { kind: 'retryable', code: 131000, detail: 'down' },
    );
    const first = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });
    const second = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(first).toEqual({ kind: 'retry-later', reason: 'send-failed' });
    expect(second).toEqual({ kind: 'replied' });
    expect(f.claims.records.get('106540352242922#wamid.A')).toMatchObject({ attempt: 2, state: 'done' });
    expect(f.receipts).toHaveLength(1);
  });

  it('marks a message past the 24 h window read without the typing indicator: no free-form reply follows', async () => {
    const f = useCaseFixture({ markAsRead: true, typingIndicator: true });
    const dayOld = Math.floor(f.clock.now() / 1000) - 25 * 3600;
    const outcome = await answerMessage(f.deps, {
      message: message('wamid.A', { timestamp: dayOld }),
      deadline: f.deadline(),
    });

    expect(outcome).toEqual({ kind: 'terminal', reason: 'window-closed' });
    expect(f.receipts.map((receipt) => receipt.typing)).toEqual([false]);
    expect(f.observer.events.find((e) => e.event === 'readReceipt')?.args.slice(1)).toEqual(['ok', false]);
  });
});
