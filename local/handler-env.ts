import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../devkit/dynamodb-local';
import { ENV } from '../lambda/config/env-names';
import type { RunningBot } from './example-bot';
import type { LocalOptions } from './options';

export interface Endpoints {
  /** The embedded store's URL; undefined for a real table (the SDK's own endpoint resolution). */
  dynamoDb: string | undefined;
  /** The Graph sink's URL; undefined for the real Graph API (the handler's default). */
  graph: string | undefined;
  /** Queued mode's local re-drive queue (devkit/local-sqs.ts); undefined inline. */
  redriveQueue?: { endpoint: string; queueUrl: string };
  /** The example bot this run started (`--bot example | example-rasa`); undefined otherwise. */
  bot?: Pick<RunningBot, 'url' | 'protocol' | 'secret'>;
}

type Env = Record<string, string | undefined>;

/**
 * The environment the deployed handler module reads at import, exactly as Lambda would provide it:
 * the handler is configured the way a user configures it, through `process.env`, nothing injected.
 * Values the user exported (tuning knobs, `AWS_PROFILE`...) are kept unless this run must own them.
 */
export function handlerEnvironment(options: LocalOptions, endpoints: Endpoints, current: Env): Env {
  const env: Env = {
    [ENV.tableName]: options.tableName,
    [ENV.appSecret]: options.appSecret,
    [ENV.verifyToken]: options.verifyToken,
    [ENV.accessToken]: options.accessToken,
    // Secrets come from the variables above, never from a Secrets Manager secret, in a local run.
    [ENV.secretId]: undefined,
    [ENV.graphBaseUrl]: endpoints.graph ?? current[ENV.graphBaseUrl],
    [ENV.replyMode]: options.mode,
    // The flag turns both on; without it, whatever the user exported applies (the config validates it).
    [ENV.markAsRead]: options.readReceipts ? 'true' : current[ENV.markAsRead],
    [ENV.typingIndicator]: options.readReceipts ? 'true' : current[ENV.typingIndicator],
    POWERTOOLS_LOG_LEVEL: options.logLevel,
    // EMF blobs on stdout help nobody locally; the user can still turn them on.
    POWERTOOLS_METRICS_DISABLED: current.POWERTOOLS_METRICS_DISABLED ?? 'true',
  };
  if (endpoints.dynamoDb !== undefined) {
    // The handler builds its client without an endpoint; the SDK's standard variable points it here.
    Object.assign(env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoDb,
      AWS_REGION: current.AWS_REGION ?? LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
    });
  }
  if (endpoints.bot !== undefined) {
    Object.assign(env, {
      [ENV.botUrl]: endpoints.bot.url,
      [ENV.botProtocol]: endpoints.bot.protocol,
      [ENV.botSecret]: endpoints.bot.secret,
    });
  } else if (options.bot === 'default') {
    // `--bot default`, or no bot exported: the in-code bot, whatever a stale shell variable says.
    Object.assign(env, { [ENV.botUrl]: undefined, [ENV.botProtocol]: undefined, [ENV.botSecret]: undefined });
  }
  if (endpoints.redriveQueue !== undefined) {
    // Read by the worker and redrive modules only; their SQSClient, too, takes the SDK's variable.
    Object.assign(env, {
      [ENV.redriveQueueUrl]: endpoints.redriveQueue.queueUrl,
      AWS_ENDPOINT_URL_SQS: endpoints.redriveQueue.endpoint,
    });
  }
  return env;
}

/** Applies `env` to `target`: undefined values are removed, so a stale variable cannot leak in. */
export function applyEnvironment(env: Env, target: Env): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete target[name];
    else target[name] = value;
  }
}

/** Whether the functions will mark messages read (and show typing), from the environment they get. */
export function readReceiptsOf(env: Env): { markAsRead: boolean; typingIndicator: boolean } {
  return { markAsRead: env[ENV.markAsRead] === 'true', typingIndicator: env[ENV.typingIndicator] === 'true' };
}
