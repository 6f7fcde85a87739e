import { describe, expect, it } from 'vitest';
import { answerMessage } from '../../../lambda/domain/answer-message';
import { message, useCaseFixture } from './use-case-fixture';

describe('the 24 h window, inline', () => {
  const dayOld = (f: ReturnType<typeof useCaseFixture>) => Math.floor(f.clock.now() / 1000) - 24 * 3600;

  it('ends a free-form answer past the window as window-closed, with no Graph call', async () => {
    const f = useCaseFixture();
    const outcome = await answerMessage(f.deps, {
      message: message('wamid.A', { timestamp: dayOld(f) }),
      deadline: f.deadline(),
    });

    expect(outcome).toEqual({ kind: 'terminal', reason: 'window-closed' });
    expect(f.sent).toEqual([]);
    expect(f.observer.names()).toContain('windowClosed');
    expect(f.claims.records.get('106540352242922#wamid.A')).toMatchObject({
      state: 'failed',
      errorCode: 131047,
    });
  });

  it('still sends a template past the window', async () => {
    const f = useCaseFixture();
    f.deps.bot = { compose: async () => [{ kind: 'template', name: 'follow_up', language: 'en_US' }] };
    const outcome = await answerMessage(f.deps, {
      message: message('wamid.A', { timestamp: dayOld(f) }),
      deadline: f.deadline(),
    });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.sent.map((reply) => reply.part.kind)).toEqual(['template']);
  });
});
