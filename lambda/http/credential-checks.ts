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
  const first = judge(await secrets.current());
  const trigger: RefreshTrigger | undefined =
    first.kind === 'not-configured'
      ? 'placeholder'
      : first.kind === 'rejected' && first.check === 'mismatch'
        ? 'signature-mismatch'
        : undefined;
  const outcome =
    trigger === undefined ? first : await judgeAfterRefresh(secrets, trigger, observer, judge, first);
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
  const first = judge(await secrets.current());
  const trigger: RefreshTrigger | undefined =
    first.kind === 'not-configured'
      ? 'placeholder'
      : first.result.kind === 'wrong-token'
        ? 'wrong-verify-token'
        : undefined;
  const outcome =
    trigger === undefined ? first : await judgeAfterRefresh(secrets, trigger, observer, judge, first);
  if (outcome.kind === 'not-configured') observer.notConfigured('handshake', outcome.placeholders);
  return outcome;
}

/** Judges again only when the re-read brought other values; otherwise the first answer stands. */
async function judgeAfterRefresh<T>(
  secrets: SecretsProvider,
  trigger: RefreshTrigger,
  observer: CredentialObserver,
  judge: (values: WhatsAppSecrets) => T,
  first: T,
): Promise<T> {
  const refresh = await secrets.refresh();
  observer.secretRefreshed(trigger, refresh);
  return refresh.kind === 'refreshed' && refresh.changed ? judge(refresh.secrets) : first;
}
