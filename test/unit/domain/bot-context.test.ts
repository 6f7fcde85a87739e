import { describe, expect, it } from 'vitest';
import { botContext } from '../../../lambda/domain/bot-context';
import { message } from './use-case-fixture';

const NOW_MS = Date.UTC(2026, 11, 5, 8, 0, 0);
const sentSecondsAgo = (seconds: number) =>
  message('wamid.C', { timestamp: Math.floor(NOW_MS / 1000) - seconds });

describe('botContext', () => {
  it('carries the tenant, the user and the age of the message', () => {
    const inbound = message('wamid.C', {
      user: { userId: 'US.1349', username: '@sheena', profileName: 'Sheena' },
      timestamp: Math.floor(NOW_MS / 1000) - 42,
    });
    expect(botContext(inbound, NOW_MS)).toEqual({
      tenantId: '106540352242922',
      user: { userId: 'US.1349', username: '@sheena', profileName: 'Sheena' },
      ageSeconds: 42,
      windowOpen: true,
      stale: false,
    });
  });

  it.each([
    [3_600, false, true],
    [3_601, true, true],
    [24 * 3_600 - 1, true, true],
    [24 * 3_600, false, false],
    [3 * 86_400, false, false],
  ])(
    'a message %i s old is stale=%s, window open=%s (default STALE_AFTER_SECONDS 3600)',
    (age, stale, windowOpen) => {
      expect(botContext(sentSecondsAgo(age), NOW_MS)).toMatchObject({ ageSeconds: age, stale, windowOpen });
    },
  );

  it('takes STALE_AFTER_SECONDS from the caller', () => {
    expect(botContext(sentSecondsAgo(61), NOW_MS, 60).stale).toBe(true);
    expect(botContext(sentSecondsAgo(61), NOW_MS, 120).stale).toBe(false);
  });

  it('counts a message from the future (clock skew) or without a timestamp as just sent', () => {
    expect(botContext(sentSecondsAgo(-30), NOW_MS).ageSeconds).toBe(0);
    expect(botContext(message('wamid.C', { timestamp: undefined }), NOW_MS)).toMatchObject({
      ageSeconds: 0,
      windowOpen: true,
      stale: false,
    });
  });
});
