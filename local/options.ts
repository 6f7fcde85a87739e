import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ENV } from '../lambda/config/env-names';
import type { ReplyMode } from '../lambda/domain/handle-delivery';
import type { LocalBot } from './example-bot';

export type DynamoDbMode = 'dynalite' | 'local' | 'aws';
export type GraphMode = 'sink' | 'real';

/** Everything `npm start` needs, resolved from flags and the environment. */
export interface LocalOptions {
  /** The webhook's REPLY_MODE; queued also runs the stream worker and the re-drive function. */
  mode: ReplyMode;
  port: number;
  dynamodb: DynamoDbMode;
  graph: GraphMode;
  /** Who answers: `--bot`, else a BOT_URL the user exported ('other'), else the in-code default bot. */
  bot: LocalBot;
  /** Keeps the table between runs (embedded stores only); in memory when undefined. */
  dataDir: string | undefined;
  tableName: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  /** Which secrets were generated for this run (printed so the user knows they change). */
  generated: { appSecret: boolean; verifyToken: boolean };
  /** `--read-receipts`: MARK_AS_READ and TYPING_INDICATOR on for every function (exported values count too). */
  readReceipts: boolean;
  /** Like Meta, the sink sends a `sent` status webhook echoing `biz_opaque_callback_data`. */
  statusWebhooks: boolean;
  /** The Lambda timeout the handler sees through `context.getRemainingTimeInMillis()`. */
  timeoutMs: number;
  logLevel: string;
  /** Keep the handler's JSON log lines as Lambda writes them, instead of one short line each. */
  rawLogs: boolean;
  quiet: boolean;
  watch: boolean;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_TABLE = 'whatsapp-once-local';

export const USAGE = `Usage: npm start -- [options]

Runs the webhook handler (lambda/handler.ts) behind a local API Gateway on 127.0.0.1.

  --mode MODE            inline (default: the webhook replies before it answers) | queued (the webhook
                         only writes the claim; a worker on the table's stream replies; needs java)
  --port N               port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --dynamodb MODE        dynalite (default, embedded, no java) | local (DynamoDB Local, needs java)
                         | aws (your real table, via the usual AWS profile/region settings);
                         --mode queued always runs on local (its worker reads the table's stream)
  --table NAME           table name (default ${DEFAULT_TABLE}; required with --dynamodb aws)
  --data-dir DIR         keep the embedded table in DIR between runs (e.g. .local-data)
  --graph MODE           sink (default: replies are printed, never sent) | real (the Graph API;
                         needs ${ENV.accessToken} in the environment)
  --bot BOT              default (the in-code bot) | example (examples/python-bot/bot.py over protocol
                         v1, needs python3) | example-rasa (the same bot in Rasa's REST shape);
                         without --bot, a ${ENV.botUrl} you exported is used as it is
  --app-secret VALUE     app secret to verify signatures with (or ${ENV.appSecret}; generated if unset)
  --verify-token VALUE   verify token for the handshake (or ${ENV.verifyToken}; generated if unset)
  --no-status-webhooks   do not send Meta-like 'sent' status webhooks for the sink's replies
  --read-receipts        mark each message read with the typing indicator before its reply
                         (${ENV.markAsRead}=true and ${ENV.typingIndicator}=true; exporting them works too)
  --timeout SECONDS      Lambda timeout the handler sees (default 25)
  --log-level LEVEL      handler log level: DEBUG | INFO | WARN (default) | ERROR | SILENT
  --raw-logs             print the handler's JSON log lines as they are (default: shortened)
  --quiet                no transcript or request lines
  --watch                restart when a source file changes
  --help                 this text
`;

type Env = Record<string, string | undefined>;

/** Parses `npm start` flags; secrets not given are generated, so every run has its own. */
export function parseStartOptions(args: string[], env: Env): LocalOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const mode = oneOf('--mode', values.mode, ['inline', 'queued'] as const) ?? 'inline';
  const dynamodb = oneOf('--dynamodb', values.dynamodb, ['dynalite', 'local', 'aws'] as const);
  if (mode === 'queued' && dynamodb !== undefined && dynamodb !== 'local') {
    // The worker reads the table's stream: dynalite has no Streams API, and a real table's stream
    // belongs to the deployed worker.
    throw new UsageError(`--mode queued runs on DynamoDB Local's stream: drop --dynamodb ${dynamodb}`);
  }
  const graph = oneOf('--graph', values.graph, ['sink', 'real'] as const);
  const bot = oneOf('--bot', values.bot, ['default', 'example', 'example-rasa'] as const);
  const port = integer('--port', values.port, 0, 65_535);
  const timeoutSeconds = integer('--timeout', values.timeout, 3, 900);
  const logLevel = (values['log-level'] ?? env.POWERTOOLS_LOG_LEVEL ?? 'WARN').toUpperCase();
  if (!['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'TRACE', 'CRITICAL'].includes(logLevel)) {
    throw new UsageError(`--log-level must be DEBUG, INFO, WARN, ERROR or SILENT, got "${logLevel}"`);
  }

  const tableName = values.table ?? nonEmpty(env[ENV.tableName]);
  if (dynamodb === 'aws' && tableName === undefined) {
    throw new UsageError(`--dynamodb aws needs the name of your table: --table NAME (or ${ENV.tableName})`);
  }
  if (dynamodb === 'aws' && values['data-dir'] !== undefined) {
    throw new UsageError('--data-dir keeps an embedded table; it has no meaning with --dynamodb aws');
  }
  const realToken = nonEmpty(env[ENV.accessToken]);
  if (graph === 'real' && realToken === undefined) {
    throw new UsageError(`--graph real sends real WhatsApp messages: set ${ENV.accessToken} first`);
  }

  const appSecret = values['app-secret'] ?? nonEmpty(env[ENV.appSecret]);
  const verifyToken = values['verify-token'] ?? nonEmpty(env[ENV.verifyToken]);
  return {
    mode,
    port: port ?? DEFAULT_PORT,
    dynamodb: dynamodb ?? (mode === 'queued' ? 'local' : 'dynalite'),
    graph: graph ?? 'sink',
    bot: bot ?? (nonEmpty(env[ENV.botUrl]) === undefined ? 'default' : 'other'),
    dataDir: values['data-dir'],
    tableName: tableName ?? DEFAULT_TABLE,
    appSecret: appSecret ?? `local-${randomBytes(12).toString('hex')}`,
    verifyToken: verifyToken ?? `verify-${randomBytes(6).toString('hex')}`,
    // The sink checks nothing; a fixed placeholder makes it obvious no real token is in use.
    accessToken: graph === 'real' && realToken !== undefined ? realToken : 'local-sink-token',
    generated: { appSecret: appSecret === undefined, verifyToken: verifyToken === undefined },
    readReceipts: values['read-receipts'] ?? false,
    statusWebhooks: values['status-webhooks'] ?? true,
    timeoutMs: (timeoutSeconds ?? 25) * 1000,
    logLevel,
    rawLogs: values['raw-logs'] ?? false,
    quiet: values.quiet ?? false,
    watch: values.watch ?? false,
    help: values.help ?? false,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowNegative: true,
    options: {
      mode: { type: 'string' },
      port: { type: 'string' },
      dynamodb: { type: 'string' },
      table: { type: 'string' },
      'data-dir': { type: 'string' },
      graph: { type: 'string' },
      bot: { type: 'string' },
      'app-secret': { type: 'string' },
      'verify-token': { type: 'string' },
      'status-webhooks': { type: 'boolean' },
      'read-receipts': { type: 'boolean' },
      timeout: { type: 'string' },
      'log-level': { type: 'string' },
      'raw-logs': { type: 'boolean' },
      quiet: { type: 'boolean' },
      watch: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined)
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return found;
}

/** An integer flag within bounds, or undefined when absent. */
export function integer(
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

export const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();
