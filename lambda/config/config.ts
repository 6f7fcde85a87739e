import type { ReplyMode } from '../domain/handle-delivery';
import type { ProtocolTuning } from '../domain/tuning';
import { ENV } from './env-names';

export interface WhatsAppSecrets {
  appSecret: string;
  accessToken: string;
  verifyToken: string;
  /** The HTTP bot's signing key, when the secret holds one (BOT_SECRET_KEY). */
  botSecret?: string | undefined;
}

export type SecretsSource =
  | { kind: 'environment'; values: WhatsAppSecrets }
  | { kind: 'secrets-manager'; secretId: string };

export const REPLY_MODES = ['inline', 'queued'] as const satisfies readonly ReplyMode[];

export interface Config {
  tableName: string;
  replyMode: ReplyMode;
  secrets: SecretsSource;
  graphBaseUrl: string;
  graphVersion: string;
  protocol: ProtocolTuning;
  /** Used as the remaining time when no Lambda context is available (local runs). */
  defaultRemainingMs: number;
  forwardUrl: string | undefined;
  logMessageContent: boolean;
  bot: BotConfig;
}

export const BOT_PROTOCOLS = ['whatsapp-once-v1', 'rasa'] as const;
export type BotProtocol = (typeof BOT_PROTOCOLS)[number];

/**
 * Which bot answers: the in-code one, or an HTTP bot at `url`. Its signing key comes from
 * BOT_SECRET with environment secrets, or from the `botSecret` key of the WhatsApp secret with
 * WHATSAPP_SECRET_ID (one secret to rotate, never in the function's configuration).
 */
export type BotConfig =
  | { kind: 'in-code' }
  | {
      kind: 'http';
      protocol: BotProtocol;
      url: string;
      timeoutMs: number;
      secret: { kind: 'environment'; value: string | undefined } | { kind: 'secrets-manager' };
    };

/** The worker and redrive functions: the webhook's config plus the re-drive queue and the send pace. */
export interface WorkerConfig extends Config {
  redriveQueueUrl: string;
  sendRatePerSecond: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

const DAY_SECONDS = 86_400;
export const DEFAULTS = {
  graphBaseUrl: 'https://graph.facebook.com',
  graphVersion: 'v26.0',
  dedupTtlSeconds: 8 * DAY_SECONDS,
  leaseSafetyMs: 2_000,
  takeoverGraceMs: 3_000,
  inFlightWaitMs: 3_000,
  ambiguousGraceMs: 30_000,
  sendTimeoutMs: 8_000,
  sendMaxAttempts: 3,
  staleAfterSeconds: 3_600,
  botTimeoutMs: 10_000,
  botProtocol: 'whatsapp-once-v1',
  defaultRemainingMs: 25_000,
  replyMode: 'inline',
  /** Meta's default throughput per business number. */
  sendRatePerSecond: 80,
} as const;

type Env = Record<string, string | undefined>;

/** Reads and validates the environment once, at cold start; every problem is reported together. */
export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const config = readConfig(reader(env, problems), problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The worker's config: everything the webhook reads (table, secrets, Graph, protocol) plus its own. */
export function parseWorkerConfig(env: Env): WorkerConfig {
  const problems: string[] = [];
  const read = reader(env, problems);
  const config = readConfig(read, problems);
  const redriveQueueUrl = read.text(ENV.redriveQueueUrl);
  if (redriveQueueUrl === undefined) problems.push(`${ENV.redriveQueueUrl} is required`);
  else if (!isHttpUrl(redriveQueueUrl)) problems.push(`${ENV.redriveQueueUrl} must be an http(s) URL`);
  const sendRatePerSecond = read.integer(ENV.sendRatePerSecond, DEFAULTS.sendRatePerSecond, 1, 1_000);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, redriveQueueUrl: redriveQueueUrl ?? '', sendRatePerSecond };
}

interface Reader {
  text(name: string): string | undefined;
  integer(name: string, fallback: number, min: number, max: number): number;
}

function reader(env: Env, problems: string[]): Reader {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  return {
    text,
    integer(name, fallback, min, max) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
        return fallback;
      }
      return value;
    },
  };
}

function readConfig(reader: Reader, problems: string[]): Config {
  const read = reader.text;
  const integer = reader.integer;

  const tableName = read(ENV.tableName);
  if (tableName === undefined) problems.push(`${ENV.tableName} is required`);

  const secrets = readSecretsSource(read, problems);

  const graphBaseUrl = (read(ENV.graphBaseUrl) ?? DEFAULTS.graphBaseUrl).replace(/\/+$/, '');
  if (!isHttpUrl(graphBaseUrl)) problems.push(`${ENV.graphBaseUrl} must be an http(s) URL`);
  const graphVersion = read(ENV.graphVersion) ?? DEFAULTS.graphVersion;
  if (!/^v\d+\.\d+$/.test(graphVersion)) {
    problems.push(`${ENV.graphVersion} must look like v26.0, got "${graphVersion}"`);
  }

  const forwardUrl = read(ENV.forwardUrl);
  if (forwardUrl !== undefined && !isHttpUrl(forwardUrl)) {
    problems.push(`${ENV.forwardUrl} must be an http(s) URL`);
  }
  const replyModeText = read(ENV.replyMode) ?? DEFAULTS.replyMode;
  const replyMode = REPLY_MODES.find((mode) => mode === replyModeText);
  if (replyMode === undefined) {
    problems.push(`${ENV.replyMode} must be "inline" or "queued", got "${replyModeText}"`);
  }
  const logContent = read(ENV.logMessageContent) ?? 'false';
  if (logContent !== 'true' && logContent !== 'false') {
    problems.push(`${ENV.logMessageContent} must be "true" or "false"`);
  }
  const flag = (name: string): boolean => {
    const value = read(name) ?? 'false';
    if (value !== 'true' && value !== 'false') problems.push(`${name} must be "true" or "false"`);
    return value === 'true';
  };

  return {
    tableName: tableName ?? '',
    replyMode: replyMode ?? DEFAULTS.replyMode,
    secrets,
    graphBaseUrl,
    graphVersion,
    protocol: {
      dedupTtlSeconds: integer(
        ENV.dedupTtlSeconds,
        DEFAULTS.dedupTtlSeconds,
        8 * DAY_SECONDS,
        365 * DAY_SECONDS,
      ),
      leaseSafetyMs: integer(ENV.leaseSafetyMs, DEFAULTS.leaseSafetyMs, 0, 60_000),
      takeoverGraceMs: integer(ENV.takeoverGraceMs, DEFAULTS.takeoverGraceMs, 0, 600_000),
      inFlightWaitMs: integer(ENV.inFlightWaitMs, DEFAULTS.inFlightWaitMs, 0, 25_000),
      ambiguousGraceMs: integer(ENV.ambiguousGraceMs, DEFAULTS.ambiguousGraceMs, 0, 24 * 3_600_000),
      sendTimeoutMs: integer(ENV.sendTimeoutMs, DEFAULTS.sendTimeoutMs, 100, 25_000),
      sendMaxAttempts: integer(ENV.sendMaxAttempts, DEFAULTS.sendMaxAttempts, 1, 10),
      staleAfterSeconds: integer(ENV.staleAfterSeconds, DEFAULTS.staleAfterSeconds, 0, 24 * 3_600),
      markAsRead: flag(ENV.markAsRead),
      typingIndicator: flag(ENV.typingIndicator),
    },
    defaultRemainingMs: integer(ENV.defaultRemainingMs, DEFAULTS.defaultRemainingMs, 1_000, 900_000),
    forwardUrl,
    logMessageContent: logContent === 'true',
    bot: readBotConfig(reader, secrets, problems),
  };
}

/** A bad BOT_URL fails the cold start with a clear error, not the first message. */
function readBotConfig(reader: Reader, secrets: SecretsSource, problems: string[]): BotConfig {
  const url = reader.text(ENV.botUrl);
  const secret = reader.text(ENV.botSecret);
  const protocolText = reader.text(ENV.botProtocol) ?? DEFAULTS.botProtocol;
  const protocol = BOT_PROTOCOLS.find((known) => known === protocolText);
  const timeoutMs = reader.integer(ENV.botTimeoutMs, DEFAULTS.botTimeoutMs, 100, 25_000);
  if (url === undefined) {
    if (secret !== undefined || reader.text(ENV.botProtocol) !== undefined) {
      problems.push(`${ENV.botSecret} and ${ENV.botProtocol} need ${ENV.botUrl}`);
    }
    return { kind: 'in-code' };
  }
  if (!isHttpUrl(url)) problems.push(`${ENV.botUrl} must be an http(s) URL`);
  if (protocol === undefined) {
    problems.push(`${ENV.botProtocol} must be one of ${BOT_PROTOCOLS.join(', ')}, got "${protocolText}"`);
  }
  if (secrets.kind === 'secrets-manager') {
    if (secret !== undefined)
      problems.push(
        `with ${ENV.secretId}, put the bot secret in the secret's "botSecret" key, not ${ENV.botSecret}`,
      );
    return {
      kind: 'http',
      protocol: protocol ?? 'whatsapp-once-v1',
      url,
      timeoutMs,
      secret: { kind: 'secrets-manager' },
    };
  }
  // Rasa's REST channel verifies no signature: its key is optional. Ours signs every request.
  if (secret === undefined && protocol !== 'rasa')
    problems.push(`${ENV.botSecret} is required with ${ENV.botUrl}`);
  else if (secret !== undefined && secret.length < 16)
    problems.push(`${ENV.botSecret} must be at least 16 characters`);
  return {
    kind: 'http',
    protocol: protocol ?? 'whatsapp-once-v1',
    url,
    timeoutMs,
    secret: { kind: 'environment', value: secret },
  };
}

function readSecretsSource(read: (name: string) => string | undefined, problems: string[]): SecretsSource {
  const secretId = read(ENV.secretId);
  const appSecret = read(ENV.appSecret);
  const accessToken = read(ENV.accessToken);
  const verifyToken = read(ENV.verifyToken);
  if (secretId !== undefined) {
    if (appSecret ?? accessToken ?? verifyToken) {
      problems.push(`set either ${ENV.secretId} or the three secret variables, not both`);
    }
    return { kind: 'secrets-manager', secretId };
  }
  const missing = [
    [ENV.appSecret, appSecret],
    [ENV.accessToken, accessToken],
    [ENV.verifyToken, verifyToken],
  ].filter(([, value]) => value === undefined);
  if (missing.length > 0) {
    problems.push(
      `${missing.map(([name]) => name).join(', ')} required (or ${ENV.secretId} naming a Secrets Manager secret)`,
    );
  }
  return {
    kind: 'environment',
    values: { appSecret: appSecret ?? '', accessToken: accessToken ?? '', verifyToken: verifyToken ?? '' },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
