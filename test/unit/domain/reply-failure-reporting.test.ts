import { describe, expect, it } from 'vitest';
import { answerMessage } from '../../../lambda/domain/answer-message';
import type { SendResult } from '../../../lambda/domain/ports';
import { message, useCaseFixture } from './use-case-fixture';

/** Every failed Graph call reaches the observer: that is where the error log and the metrics come from. */
describe('answerMessage reporting a failed send', () => {
  it.each<[string, Exclude<SendResult, { kind: 'sent' }>]>([
    ['a permanent error', { kind: 'permanent', code: 131047, detail: 'HTTP 400 code 131047' }],
    ['an ambiguous send', { kind: 'ambiguous', detail: 'request may have left: TimeoutError' }],
  ])('reports %s, which ends the attempt without a retry', async (_, result) => {
    const f = useCaseFixture();
    f.scriptSends(result);

    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    const reported = f.observer.events.filter((e) => e.event === 'replyFailed');
    expect(reported).toEqual([{ event: 'replyFailed', args: [message().key, result, false] }]);
  });

  it('reports each retryable failure, the last one without a retry', async () => {
    const f = useCaseFixture({ sendMaxAttempts: 2 });
    const busy = { kind: 'retryable', code: 130429, detail: 'HTTP 400 code 130429' } as const;
    f.scriptSends(busy, busy);

    await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    const reported = f.observer.events.filter((e) => e.event === 'replyFailed').map((e) => e.args[2]);
    expect(reported).toEqual([true, false]);
  });
});
