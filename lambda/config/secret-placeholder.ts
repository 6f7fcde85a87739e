import type { WhatsAppSecrets } from './config';

/**
 * What a new stack writes into the secret for the values only Meta can issue (app secret, access
 * token). One side-effect-free module shared by the CDK secret and the runtime, so a secret nobody
 * filled in is answered "not configured" instead of looking like forged webhooks.
 */
export const SECRET_PLACEHOLDER = 'REPLACE_ME';

export type SecretName = keyof WhatsAppSecrets;

/** Which of the named values still hold the placeholder, in the order asked. */
export function placeholdersAmong(secrets: WhatsAppSecrets, names: readonly SecretName[]): SecretName[] {
  return names.filter((name) => secrets[name].trim() === SECRET_PLACEHOLDER);
}
