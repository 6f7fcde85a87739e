import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { BOT_PROTOCOLS, DEFAULTS, REPLY_MODES } from '../lambda/config/config';
import type { ReplyMode } from '../lambda/domain/handle-delivery';
import { STAGE_PATTERN } from './stage-names';

/** What a user of the stack changes, read from CDK context (`cdk.json` or `-c key=value`). */
export interface StackSettings {
  /**
   * `-c stage=NAME`: the stack id becomes `WhatsappOnce-NAME` and every named resource carries NAME,
   * so stages live side by side in one account. Unset: today's stack id and generated names.
   */
  stage: string | undefined;
  /** HTTP API stage; `$default` serves the webhook at the API's root URL. */
  stageName: string;
  graphApiVersion: string;
  /** Dedup records must outlive Meta's 7 days of retries; the runtime refuses less than 8. */
  dedupTtlDays: number;
  /** Lambda timeout; the handler's lease ends `leaseSafetyMs` before it. */
  timeoutSeconds: number;
  leaseSafetyMs: number;
  inFlightWaitMs: number;
  memorySizeMb: number;
  logRetentionDays: RetentionDays;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  reservedConcurrency: number | undefined;
  /** Steady-state requests per second and burst allowed by the API stage. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  alarmEmail: string | undefined;
  /** Use an existing Secrets Manager secret (by name) instead of creating one. */
  secretName: string | undefined;
  tracing: boolean;
  /**
   * Declare the variables `sam local invoke --env-vars` needs to override (SAM only overrides variables the
   * template declares). Only for local synths: a deployed template never names the secret variables.
   */
  localInvoke: boolean;
  /**
   * REPLY_MODE of the webhook function only: `queued` answers Meta after the claim write and leaves the
   * reply to the stream worker. The worker, its mapping and the re-drive queue exist in both modes.
   */
  replyMode: ReplyMode;
  /** Lambda timeout of the stream worker and the redrive function; their leases end `leaseSafetyMs` before it. */
  workerTimeoutSeconds: number;
  /** SEND_RATE_PER_SECOND of the worker and redrive functions: sends per phone_number_id per container. */
  sendRatePerSecond: number;
  /** The bot (docs/BOT.md), passed to every function only when set: BOT_URL, BOT_PROTOCOL, BOT_TIMEOUT_MS, STALE_AFTER_SECONDS. */
  botUrl: string | undefined;
  botProtocol: string | undefined;
  botTimeoutMs: number | undefined;
  staleAfterSeconds: number | undefined;
  /** MARK_AS_READ and TYPING_INDICATOR of every function (docs/PROTOCOL.md); passed only when on. */
  markAsRead: boolean;
  typingIndicator: boolean;
}

export const DEFAULT_SETTINGS: StackSettings = {
  stage: undefined,
  stageName: '$default',
  graphApiVersion: DEFAULTS.graphVersion,
  dedupTtlDays: DEFAULTS.dedupTtlSeconds / 86_400,
  // Below API Gateway's 30 s integration limit, so the handler, not the gateway, decides every answer.
  timeoutSeconds: 25,
  leaseSafetyMs: DEFAULTS.leaseSafetyMs,
  inFlightWaitMs: DEFAULTS.inFlightWaitMs,
  memorySizeMb: 512,
  logRetentionDays: RetentionDays.ONE_MONTH,
  logLevel: 'INFO',
  reservedConcurrency: undefined,
  throttleRateLimit: 100,
  throttleBurstLimit: 200,
  alarmEmail: undefined,
  secretName: undefined,
  tracing: false,
  localInvoke: false,
  replyMode: 'inline',
  // Room for a slow bot (seconds) plus a batch's paced sends, short enough that a crashed worker's lease
  // (this deadline minus leaseSafetyMs) runs out, and its message is re-driven, within about a minute.
  workerTimeoutSeconds: 60,
  // Meta allows 80 messages/s per number by default; see docs/PROTOCOL.md for the fleet-wide sum.
  sendRatePerSecond: 10,
  botUrl: undefined,
  botProtocol: undefined,
  botTimeoutMs: undefined,
  staleAfterSeconds: undefined,
  markAsRead: false,
  typingIndicator: false,
};

export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(readonly problems: string[]) {
    super(`Invalid CDK context: ${problems.join('; ')}`);
  }
}

const API_GATEWAY_LIMIT_SECONDS = 30;
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
const RETENTION_VALUES: RetentionDays[] = Object.values(RetentionDays).filter(
  (value): value is RetentionDays => typeof value === 'number',
);

/**
 * Reads every setting from context and reports all problems at once. Values typed on the command line
 * (`-c dedupTtlDays=10`) arrive as strings, values in cdk.json as JSON: both are accepted.
 */
export function readSettings(node: Pick<Node, 'tryGetContext'>): StackSettings {
  const problems: string[] = [];
  const raw = (key: keyof StackSettings): unknown => {
    const value: unknown = node.tryGetContext(key);
    return value === '' ? undefined : value;
  };
  const text = (key: keyof StackSettings, pattern: RegExp, fallback: string): string => {
    const value = raw(key) ?? fallback;
    if (typeof value === 'string' && pattern.test(value)) return value;
    problems.push(`${key} must match ${pattern}, got ${JSON.stringify(value)}`);
    return fallback;
  };
  const optionalText = (key: keyof StackSettings, pattern: RegExp): string | undefined => {
    const value = raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string' && pattern.test(value)) return value;
    problems.push(`${key} must match ${pattern}, got ${JSON.stringify(value)}`);
    return undefined;
  };
  const integer = (key: keyof StackSettings, fallback: number, min: number, max: number): number => {
    const value = raw(key) ?? fallback;
    const parsed = typeof value === 'string' ? Number(value) : value;
    if (typeof parsed === 'number' && Number.isInteger(parsed) && parsed >= min && parsed <= max)
      return parsed;
    problems.push(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return fallback;
  };
  const flag = (key: keyof StackSettings, fallback: boolean): boolean => {
    const value = raw(key) ?? fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    problems.push(`${key} must be true or false, got ${JSON.stringify(value)}`);
    return fallback;
  };

  const d = DEFAULT_SETTINGS;
  const timeoutSeconds = integer('timeoutSeconds', d.timeoutSeconds, 5, API_GATEWAY_LIMIT_SECONDS - 1);
  const leaseSafetyMs = integer('leaseSafetyMs', d.leaseSafetyMs, 0, 60_000);
  const inFlightWaitMs = integer('inFlightWaitMs', d.inFlightWaitMs, 0, 25_000);
  // A duplicate that waits for the winner must still have time left to answer before the deadline.
  if (leaseSafetyMs + inFlightWaitMs >= timeoutSeconds * 1000) {
    problems.push(
      `leaseSafetyMs + inFlightWaitMs (${leaseSafetyMs + inFlightWaitMs} ms) must be below timeoutSeconds (${timeoutSeconds} s)`,
    );
  }
  const retention = integer('logRetentionDays', d.logRetentionDays, 1, 3653);
  const logRetentionDays = RETENTION_VALUES.find((days) => days === retention);
  if (logRetentionDays === undefined) {
    problems.push(`logRetentionDays must be one of ${RETENTION_VALUES.join(', ')}, got ${retention}`);
  }
  const workerTimeoutSeconds = integer('workerTimeoutSeconds', d.workerTimeoutSeconds, 10, 900);
  // A worker must be able to make at least one whole Graph call inside its lease.
  if (leaseSafetyMs + DEFAULTS.sendTimeoutMs >= workerTimeoutSeconds * 1000) {
    problems.push(
      `leaseSafetyMs + one Graph call (${leaseSafetyMs + DEFAULTS.sendTimeoutMs} ms) must be below workerTimeoutSeconds (${workerTimeoutSeconds} s)`,
    );
  }
  const replyMode = text('replyMode', /^(inline|queued)$/, d.replyMode);
  const logLevel = text('logLevel', /^(DEBUG|INFO|WARN|ERROR)$/, d.logLevel);
  const reserved = raw('reservedConcurrency');
  const settings: StackSettings = {
    stage: optionalText('stage', STAGE_PATTERN),
    stageName: text('stageName', /^(\$default|[A-Za-z0-9_-]{1,128})$/, d.stageName),
    graphApiVersion: text('graphApiVersion', /^v\d+\.\d+$/, d.graphApiVersion),
    dedupTtlDays: integer('dedupTtlDays', d.dedupTtlDays, 8, 365),
    timeoutSeconds,
    leaseSafetyMs,
    inFlightWaitMs,
    memorySizeMb: integer('memorySizeMb', d.memorySizeMb, 128, 10_240),
    logRetentionDays: logRetentionDays ?? d.logRetentionDays,
    logLevel: LOG_LEVELS.find((level) => level === logLevel) ?? d.logLevel,
    reservedConcurrency: reserved === undefined ? undefined : integer('reservedConcurrency', 1, 1, 10_000),
    throttleRateLimit: integer('throttleRateLimit', d.throttleRateLimit, 1, 10_000),
    throttleBurstLimit: integer('throttleBurstLimit', d.throttleBurstLimit, 1, 5_000),
    alarmEmail: optionalText('alarmEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/),
    secretName: optionalText('secretName', /^[A-Za-z0-9/_+=.@-]{1,512}$/),
    tracing: flag('tracing', d.tracing),
    localInvoke: flag('localInvoke', d.localInvoke),
    replyMode: REPLY_MODES.find((mode) => mode === replyMode) ?? d.replyMode,
    workerTimeoutSeconds,
    sendRatePerSecond: integer('sendRatePerSecond', d.sendRatePerSecond, 1, 1_000),
    botUrl: optionalText('botUrl', /^https?:\/\/\S+$/),
    botProtocol: optionalText('botProtocol', new RegExp(`^(${BOT_PROTOCOLS.join('|')})$`)),
    botTimeoutMs: raw('botTimeoutMs') === undefined ? undefined : integer('botTimeoutMs', 0, 100, 25_000),
    staleAfterSeconds:
      raw('staleAfterSeconds') === undefined ? undefined : integer('staleAfterSeconds', 0, 0, 86_400),
    markAsRead: flag('markAsRead', d.markAsRead),
    typingIndicator: flag('typingIndicator', d.typingIndicator),
  };
  problems.push(...botTimeoutProblems(settings));
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

/**
 * An HTTP bot answers inside the owner's lease, which ends `leaseSafetyMs` before the Lambda deadline:
 * a bot that may take its whole timeout must still leave one whole Graph call after it, or its answer
 * would time out unsent on every try. The owner is the webhook inline, and the worker in both modes
 * (re-drives); the read receipt runs beside the bot, so it adds nothing.
 */
function botTimeoutProblems(settings: StackSettings): string[] {
  if (settings.botUrl === undefined) return [];
  const botTimeoutMs = settings.botTimeoutMs ?? DEFAULTS.botTimeoutMs;
  const needed = botTimeoutMs + settings.leaseSafetyMs + DEFAULTS.sendTimeoutMs;
  const owners: [string, number][] = [['workerTimeoutSeconds', settings.workerTimeoutSeconds]];
  if (settings.replyMode === 'inline') owners.unshift(['timeoutSeconds', settings.timeoutSeconds]);
  return owners
    .filter(([, seconds]) => needed >= seconds * 1000)
    .map(
      ([key, seconds]) =>
        `botTimeoutMs + leaseSafetyMs + one Graph call (${botTimeoutMs} + ${settings.leaseSafetyMs} + ${DEFAULTS.sendTimeoutMs} = ${needed} ms) must be below ${key} (${seconds} s), or a slow bot's answer is never sent`,
    );
}
