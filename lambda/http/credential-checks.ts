import type { WhatsAppSecrets } from '../config/config';
import { placeholdersAmong, type SecretName } from '../config/secret-placeholder';
import type { SecretsProvider, SecretsRefresh } from '../config/secrets';
import { answerHandshake, type HandshakeResult } from './handshake';
import { checkSignature, type SignatureCheck } from './signature';

export type PostAuthentication =
  | { kind: 'verified' }
  | { kind: 'not-configured'; placeholders: SecretName[] }
  | { kind: 'rejected'; check: Exclude<SignatureCheck, 'valid'> };

export type HandshakeCheck =
  | { kind: 'handshake'; result: HandshakeResult }
  | { kind: 'not-configured'; placeholders: SecretName[] };

/** Why the secret was read again before its cache expired. */
export type RefreshTrigger = 'placeholder' | 'signature-mismatch' | 'wrong-verify-token';

export interface CredentialObserver {
  signatureRejected(check: Exclude<SignatureCheck, 'valid'>): void;
  notConfigured(request: 'webhook' | 'handshake', placeholders: SecretName[]): void;
  secretRefreshed(trigger: RefreshTrigger, refresh: SecretsRefresh): void;
}

/**
 * Authenticates a POST. A placeholder app secret cannot verify anything, so the answer is "not
 * configured" before any signature check; a placeholder access token is reported only to a signed
 * request. A mismatch or a placeholder re-reads the secret once (rate-limited), so a rotated or newly
 * filled secret works at once instead of after the cache expires.
 */
export async function authenticatePost(
  secrets: SecretsProvider,
  rawBody: Buffer,
  signature: string | undefined,
  observer: CredentialObserver,
): Promise<PostAuthentication> {
  const judge = (values: WhatsAppSecrets): PostAuthentication => {
    const unfilled = placeholdersAmong(values, ['appSecret', 'accessToken']);
    if (unfilled.includes('appSecret')) return { kind: 'not-configured', placeholders: unfilled };
    const check = checkSignature(rawBody, signature, values.appSecret);
    if (check !== 'valid') return { kind: 'rejected', check };
    return unfilled.length > 0 ? { kind: 'not-configured', placeholders: unfilled } : { kind: 'verified' };
  };
  const outcome = await judgeWithOneRefresh(secrets, observer, judge, (first) => {
    if (first.kind === 'not-configured') return 'placeholder';
    // A missing or malformed header is the sender's fault whatever the secret holds.
    if (first.kind === 'rejected' && first.check === 'mismatch') return 'signature-mismatch';
    return undefined;
  });
  if (outcome.kind === 'rejected') observer.signatureRejected(outcome.check);
  if (outcome.kind === 'not-configured') observer.notConfigured('webhook', outcome.placeholders);
  return outcome;
}

/** Meta's subscription handshake, refused as "not configured" while the verify token is a placeholder. */
export async function checkHandshake(
  secrets: SecretsProvider,
  rawQueryString: string,
  observer: CredentialObserver,
): Promise<HandshakeCheck> {
  const judge = (values: WhatsAppSecrets): HandshakeCheck => {
    const unfilled = placeholdersAmong(values, ['verifyToken']);
    if (unfilled.length > 0) return { kind: 'not-configured', placeholders: unfilled };
    return { kind: 'handshake', result: answerHandshake(rawQueryString, values.verifyToken) };
  };
  const outcome = await judgeWithOneRefresh(secrets, observer, judge, (first) => {
    if (first.kind === 'not-configured') return 'placeholder';
    if (first.result.kind === 'wrong-token') return 'wrong-verify-token';
    return undefined;
  });
  if (outcome.kind === 'not-configured') observer.notConfigured('handshake', outcome.placeholders);
  return outcome;
}

/**
 * Judges with the cached secret; when that answer could come from a stale secret, re-reads it
 * (rate-limited) and judges again only if the values changed.
 */
async function judgeWithOneRefresh<T>(
  secrets: SecretsProvider,
  observer: CredentialObserver,
  judge: (values: WhatsAppSecrets) => T,
  refreshTrigger: (first: T) => RefreshTrigger | undefined,
): Promise<T> {
  const first = judge(await secrets.current());
  const trigger = refreshTrigger(first);
  if (trigger === undefined) return first;
  const refresh = await secrets.refresh();
  observer.secretRefreshed(trigger, refresh);
  return refresh.kind === 'refreshed' && refresh.changed ? judge(refresh.secrets) : first;
}
