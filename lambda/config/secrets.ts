import type { SecretsSource, WhatsAppSecrets } from './config';
import { ENV, SECRET_KEYS } from './env-names';

/** Kept in memory this long, so a rotated secret is picked up without a redeploy. */
const SECRET_MAX_AGE_SECONDS = 300;

export class SecretsError extends Error {
  override name = 'SecretsError';
}

/**
 * Returns a getter for the three WhatsApp secrets: from the environment, or from one Secrets Manager
 * secret (JSON with appSecret, accessToken, verifyToken) read through Powertools Parameters, cached
 * across invocations. The values are never logged.
 */
export function secretsLoader(source: SecretsSource): () => Promise<WhatsAppSecrets> {
  if (source.kind === 'environment') {
    const values = Promise.resolve(source.values);
    return () => values;
  }
  return async () => {
    // Imported on first use: deployments with env secrets (local runs, tests) never load the client.
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    let value: unknown;
    try {
      value = await getSecret(source.secretId, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS });
    } catch (error) {
      throw new SecretsError(`Could not read the secret named by ${ENV.secretId}`, { cause: error });
    }
    return parseSecret(value);
  };
}

export function parseSecret(value: unknown): WhatsAppSecrets {
  const field = (name: string): string => {
    const found = typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
    if (typeof found !== 'string' || found === '') {
      throw new SecretsError(
        `The WhatsApp secret has no "${name}" string (expected keys: ${Object.values(SECRET_KEYS).join(', ')})`,
      );
    }
    return found;
  };
  return {
    appSecret: field(SECRET_KEYS.appSecret),
    accessToken: field(SECRET_KEYS.accessToken),
    verifyToken: field(SECRET_KEYS.verifyToken),
  };
}
