import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { WhatsAppSecrets } from '../lambda/config/config';
import { ENV } from '../lambda/config/env-names';
import { placeholdersAmong, type SecretName } from '../lambda/config/secret-placeholder';
import { parseSecret } from '../lambda/config/secrets';

/** Why `npm run subscribe` cannot use the credentials; the message never quotes a value. */
export class SubscriptionSecretsError extends Error {
  override name = 'SubscriptionSecretsError';
}

/**
 * The three values from the stack's secret, read with the usual AWS settings (profile, region, and
 * AWS_ENDPOINT_URL_SECRETS_MANAGER for a stand-in), so they never pass through a shell variable.
 */
export async function secretsFromSecretsManager(
  secretId: string,
  client: SecretsManagerClient = new SecretsManagerClient({}),
): Promise<WhatsAppSecrets> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    throw new SubscriptionSecretsError(`Could not read the secret ${secretId} (${reason})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    // JSON.parse's own message quotes the text it failed on: the secret.
    throw new SubscriptionSecretsError(`The secret ${secretId} does not hold JSON`);
  }
  return parseSecret(json);
}

/** The same three values from the runtime's variable names; the names of those unset otherwise. */
export function secretsFromEnvironment(
  env: Record<string, string | undefined>,
): { kind: 'found'; secrets: WhatsAppSecrets } | { kind: 'missing'; names: string[] } {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const [appSecret, accessToken, verifyToken] = [ENV.appSecret, ENV.accessToken, ENV.verifyToken].map(read);
  if (appSecret === undefined || accessToken === undefined || verifyToken === undefined) {
    const names = [ENV.appSecret, ENV.accessToken, ENV.verifyToken].filter(
      (name) => read(name) === undefined,
    );
    return { kind: 'missing', names };
  }
  return { kind: 'found', secrets: { appSecret, accessToken, verifyToken } };
}

/** Meta would refuse placeholders anyway (a failed handshake, an invalid token): say so before calling. */
export const unfilledSecrets = (secrets: WhatsAppSecrets): SecretName[] =>
  placeholdersAmong(secrets, ['appSecret', 'accessToken', 'verifyToken']);
