import { describe, expect, it } from 'vitest';
import type { WhatsAppSecrets } from '../../../lambda/config/config';
import { SECRET_PLACEHOLDER } from '../../../lambda/config/secret-placeholder';
import type { SecretsProvider, SecretsRefresh } from '../../../lambda/config/secrets';
import {
  authenticatePost,
  type CredentialObserver,
  checkHandshake,
} from '../../../lambda/http/credential-checks';
import { signatureFor } from '../../../lambda/http/signature';

const BODY = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
const FILLED: WhatsAppSecrets = { appSecret: 'app-new', accessToken: 'token', verifyToken: 'verify' };
const UNFILLED: WhatsAppSecrets = {
  ...FILLED,
  appSecret: SECRET_PLACEHOLDER,
  accessToken: SECRET_PLACEHOLDER,
};

/** A provider whose cache holds `cached` and whose next re-read brings `stored` (or is rate-limited). */
function provider(cached: WhatsAppSecrets, next: { stored: WhatsAppSecrets } | 'rate-limited') {
  const state = { current: cached, refreshes: 0 };
  const secrets: SecretsProvider = {
    current: async () => state.current,
    refresh: async (): Promise<SecretsRefresh> => {
      state.refreshes++;
      if (next === 'rate-limited') return { kind: 'rate-limited', secrets: state.current };
      const changed = next.stored !== state.current;
      state.current = next.stored;
      return { kind: 'refreshed', secrets: next.stored, changed };
    },
  };
  return { secrets, state };
}

function recordingObserver() {
  const events: string[] = [];
  const observer: CredentialObserver = {
    signatureRejected: (check) => events.push(`rejected:${check}`),
    notConfigured: (request, placeholders) =>
      events.push(`not-configured:${request}:${placeholders.join(',')}`),
    secretRefreshed: (trigger, refresh) => events.push(`refresh:${trigger}:${refresh.kind}`),
  };
  return { observer, events };
}

describe('authenticatePost', () => {
  it('verifies a body signed with the cached app secret without re-reading', async () => {
    const { secrets, state } = provider(FILLED, 'rate-limited');
    const { observer, events } = recordingObserver();
    await expect(authenticatePost(secrets, BODY, signatureFor(BODY, 'app-new'), observer)).resolves.toEqual({
      kind: 'verified',
    });
    expect([state.refreshes, events]).toEqual([0, []]);
  });

  it('answers not configured, not rejected, while the app secret is a placeholder', async () => {
    const { secrets } = provider(UNFILLED, { stored: UNFILLED });
    const { observer, events } = recordingObserver();
    const result = await authenticatePost(secrets, BODY, signatureFor(BODY, 'anything'), observer);
    expect(result).toEqual({ kind: 'not-configured', placeholders: ['appSecret', 'accessToken'] });
    expect(events).toEqual(['refresh:placeholder:refreshed', 'not-configured:webhook:appSecret,accessToken']);
  });

  it('picks up a newly filled secret at once through the re-read', async () => {
    const { secrets } = provider(UNFILLED, { stored: FILLED });
    const { observer } = recordingObserver();
    await expect(authenticatePost(secrets, BODY, signatureFor(BODY, 'app-new'), observer)).resolves.toEqual({
      kind: 'verified',
    });
  });

  it('re-reads a rotated app secret on a mismatch and verifies against the new one', async () => {
    const { secrets, state } = provider({ ...FILLED, appSecret: 'app-old' }, { stored: FILLED });
    const { observer, events } = recordingObserver();
    await expect(authenticatePost(secrets, BODY, signatureFor(BODY, 'app-new'), observer)).resolves.toEqual({
      kind: 'verified',
    });
    expect([state.refreshes, events]).toEqual([1, ['refresh:signature-mismatch:refreshed']]);
  });

  it('rejects a mismatch when the re-read is rate-limited', async () => {
    const { secrets } = provider(FILLED, 'rate-limited');
    const { observer, events } = recordingObserver();
    const result = await authenticatePost(secrets, BODY, signatureFor(BODY, 'forged'), observer);
    expect(result).toEqual({ kind: 'rejected', check: 'mismatch' });
    expect(events).toEqual(['refresh:signature-mismatch:rate-limited', 'rejected:mismatch']);
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'sha1=abc'],
  ])('rejects a %s signature without re-reading the secret', async (check, header) => {
    const { secrets, state } = provider(FILLED, { stored: FILLED });
    const { observer } = recordingObserver();
    await expect(authenticatePost(secrets, BODY, header, observer)).resolves.toEqual({
      kind: 'rejected',
      check,
    });
    expect(state.refreshes).toBe(0);
  });

  it('rejects a forged body even while only the access token is a placeholder', async () => {
    const { secrets } = provider({ ...FILLED, accessToken: SECRET_PLACEHOLDER }, 'rate-limited');
    const { observer } = recordingObserver();
    await expect(authenticatePost(secrets, BODY, signatureFor(BODY, 'forged'), observer)).resolves.toEqual({
      kind: 'rejected',
      check: 'mismatch',
    });
  });

  it('answers a signed body not configured while the access token is a placeholder', async () => {
    const { secrets } = provider({ ...FILLED, accessToken: SECRET_PLACEHOLDER }, 'rate-limited');
    const { observer } = recordingObserver();
    await expect(authenticatePost(secrets, BODY, signatureFor(BODY, 'app-new'), observer)).resolves.toEqual({
      kind: 'not-configured',
      placeholders: ['accessToken'],
    });
  });
});

describe('checkHandshake', () => {
  const query = (token: string) => `hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`;

  it('refuses as not configured while the verify token is a placeholder, even to the placeholder itself', async () => {
    const { secrets } = provider({ ...FILLED, verifyToken: SECRET_PLACEHOLDER }, 'rate-limited');
    const { observer, events } = recordingObserver();
    await expect(checkHandshake(secrets, query(SECRET_PLACEHOLDER), observer)).resolves.toEqual({
      kind: 'not-configured',
      placeholders: ['verifyToken'],
    });
    expect(events).toContain('not-configured:handshake:verifyToken');
  });

  it('re-reads on a wrong token, so a verify token changed in the secret works at once', async () => {
    const { secrets } = provider({ ...FILLED, verifyToken: 'old' }, { stored: FILLED });
    const { observer } = recordingObserver();
    await expect(checkHandshake(secrets, query('verify'), observer)).resolves.toEqual({
      kind: 'handshake',
      result: { kind: 'verified', challenge: '42' },
    });
  });

  it('answers the handshake as before while the app secret alone is a placeholder', async () => {
    const { secrets } = provider(UNFILLED, 'rate-limited');
    const { observer } = recordingObserver();
    await expect(checkHandshake(secrets, query('verify'), observer)).resolves.toMatchObject({
      kind: 'handshake',
      result: { kind: 'verified' },
    });
  });
});
