import type { SecretsSource, WhatsAppSecrets } from './config';
import { BOT_SECRET_KEY, ENV, SECRET_KEYS } from './env-names';

/** Kept in memory this long, so a rotated secret is picked up without a redeploy even if nothing fails. */
const SECRET_MAX_AGE_SECONDS = 300;
/**
 * At most one early re-read per container in this window: a failed check re-reads at once, but
 * forged traffic cannot turn every request into a Secrets Manager call.
 */
export const SECRET_REFRESH_INTERVAL_MS = 30_000;

export class SecretsError extends Error {
  override name = 'SecretsError';
}

export type SecretsRefresh =
  | { kind: 'refreshed'; secrets: WhatsAppSecrets; changed: boolean }
  | { kind: 'rate-limited'; secrets: WhatsAppSecrets }
  /** Environment secrets: there is nothing to re-read. */
  | { kind: 'fixed'; secrets: WhatsAppSecrets };

export interface SecretsProvider {
  /** The three values, cached across invocations for SECRET_MAX_AGE_SECONDS. */
  current(): Promise<WhatsAppSecrets>;
  /** Reads the secret again now, unless that was done less than SECRET_REFRESH_INTERVAL_MS ago. */
  refresh(): Promise<SecretsRefresh>;
}

/**
 * The three WhatsApp secrets: from the environment, or from one Secrets Manager secret (JSON with
 * appSecret, accessToken, verifyToken) read through Powertools Parameters. The values are never logged.
 */
export function secretsProvider(source: SecretsSource, now: () => number = Date.now): SecretsProvider {
  if (source.kind === 'environment') {
    const values = Promise.resolve(source.values);
    return { current: () => values, refresh: async () => ({ kind: 'fixed', secrets: source.values }) };
  }
  let lastSeen: WhatsAppSecrets | undefined;
  const read = async (forceFetch: boolean) => {
    lastSeen = await readSecret(source.secretId, forceFetch);
    return lastSeen;
  };
  let lastRefreshAt = Number.NEGATIVE_INFINITY;
  let inProgress: Promise<SecretsRefresh> | undefined;
  return {
    current: () => read(false),
    refresh() {
      // Concurrent requests (the local server) share one re-read.
      if (inProgress) return inProgress;
      if (now() - lastRefreshAt < SECRET_REFRESH_INTERVAL_MS) {
        return read(false).then((secrets) => ({ kind: 'rate-limited', secrets }));
      }
      lastRefreshAt = now();
      inProgress = (async (): Promise<SecretsRefresh> => {
        const before = lastSeen;
        const secrets = await read(true);
        return { kind: 'refreshed', secrets, changed: before === undefined || !sameSecrets(before, secrets) };
      })().finally(() => {
        inProgress = undefined;
      });
      return inProgress;
    },
  };
}

/** What the Graph sender needs: the cached access token, and a rate-limited re-read for a rejected one. */
export function graphCredentials(secrets: SecretsProvider): {
  accessToken: () => Promise<string>;
  refreshAccessToken: () => Promise<string>;
} {
  return {
    accessToken: async () => (await secrets.current()).accessToken,
    refreshAccessToken: async () => (await secrets.refresh()).secrets.accessToken,
  };
}

async function readSecret(secretId: string, forceFetch: boolean): Promise<WhatsAppSecrets> {
  // Imported on first use: deployments with env secrets (local runs, tests) never load the client.
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  let value: unknown;
  try {
    value = await getSecret(secretId, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS, forceFetch });
  } catch (error) {
    throw new SecretsError(`Could not read the secret named by ${ENV.secretId}`, { cause: error });
  }
  return parseSecret(value);
}

const sameSecrets = (a: WhatsAppSecrets, b: WhatsAppSecrets): boolean =>
  a.appSecret === b.appSecret && a.accessToken === b.accessToken && a.verifyToken === b.verifyToken;

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
  const botSecret =
    typeof value === 'object' && value !== null ? Reflect.get(value, BOT_SECRET_KEY) : undefined;
  return {
    appSecret: field(SECRET_KEYS.appSecret),
    accessToken: field(SECRET_KEYS.accessToken),
    verifyToken: field(SECRET_KEYS.verifyToken),
    ...(typeof botSecret === 'string' && botSecret !== '' ? { botSecret } : {}),
  };
}
