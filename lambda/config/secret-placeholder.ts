import type { WhatsAppSecrets } from './config';

/**
 * What a new stack writes into the secret for the values only Meta can issue (app secret, access
 * token). One side-effect-free module shared by the CDK secret and the runtime, so a secret nobody
 * filled in is answered "not configured" instead of looking like forged webhooks.
 */
export const SECRET_PLACEHOLDER = 'REPLACE_ME';

/** The three values Meta issues or the stack generates (the optional bot key is never a placeholder). */
export type SecretName = Exclude<keyof WhatsAppSecrets, 'botSecret'>;

/** Which of the named values still hold the placeholder, in the order asked. */
export function placeholdersAmong(secrets: WhatsAppSecrets, names: readonly SecretName[]): SecretName[] {
  return names.filter((name) => secrets[name].trim() === SECRET_PLACEHOLDER);
}
