import { parseArgs } from 'node:util';
import { ENV } from '../../lambda/config/env-names';
import { LOCAL_BOTS, type LocalBot } from '../example-bot';
import { integer, nonEmpty, UsageError } from '../options';
import { readSession } from '../session-file';
import { DEFAULT_REDELIVERY, type Redelivery } from './meta-client';
import { SCENARIO_NAMES } from './scenarios';
import { DEFAULT_FROM, DEFAULT_PHONE_NUMBER_ID, type SimulationTarget } from './simulation';
import type { StormOptions } from './storm';

export const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:3000/webhook';

export interface SimulateOptions {
  webhookUrl: string;
  appSecret: string | undefined;
  verifyToken: string | undefined;
  sinkUrl: string | undefined;
  scenarios: string[];
  delayMs: number;
  redelivery: Redelivery;
  /** Set by `--storm N`: a storm instead of the scenarios. */
  storm: StormOptions | undefined;
  phoneNumberId: string;
  from: string;
  /** `--bot`: which bot answers, when the session cannot say (a deployed webhook, an exported BOT_URL). */
  bot: LocalBot | undefined;
  json: boolean;
  help: boolean;
}

export const SIMULATE_USAGE = `Usage: npm run simulate -- [options]

Plays Meta against a webhook: signs each body like Meta (compact JSON, \\/ and \\uXXXX escapes), redelivers
anything not answered 200, and checks every message was answered exactly once.

  --url URL              webhook to call (default ${DEFAULT_WEBHOOK_URL}; a deployed one works too)
  --app-secret VALUE     secret to sign with (default: the local server's, found in .local-data/;
                         else ${ENV.appSecret})
  --verify-token VALUE   for the handshake scenario (default: the local server's; else ${ENV.verifyToken})
  --scenario NAMES       comma-separated, default all: ${SCENARIO_NAMES.join(', ')}
  --delay-ms N           pause before the delayed duplicate (default 1500)
  --storm N              instead of the scenarios: N messages...
  --copies K             ...each delivered 1 to K times (default 3)...
  --concurrency C        ...with at most C requests in flight (default 16)
  --spread-ms N          late copies arrive up to N ms after the first answer (default 1000)
  --seed N               the storm's random seed (default 1)
  --max-attempts N       deliveries of one webhook before giving up on it (default ${DEFAULT_REDELIVERY.maxAttempts})
  --phone-number-id ID   metadata.phone_number_id of the webhooks (default ${DEFAULT_PHONE_NUMBER_ID})
  --from NUMBER          the user who writes (default ${DEFAULT_FROM})
  --sink URL             the local Graph sink's record (default: the local server's)
  --bot BOT              the bot behind the webhook, to run the scenarios written for it: default |
                         example | example-rasa | other (default: the local server's, else default)
  --json                 print the summary as JSON
  --help                 this text

Exit code 0 when every message was answered exactly once (as far as the target lets us see), 1 if not.
`;

type Env = Record<string, string | undefined>;

export function parseSimulateOptions(args: string[]): SimulateOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const webhookUrl = values.url ?? DEFAULT_WEBHOOK_URL;
  if (!/^https?:\/\//.test(webhookUrl))
    throw new UsageError(`--url must be an http(s) URL, got "${webhookUrl}"`);
  const scenarios = (values.scenario ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = scenarios.filter((name) => !SCENARIO_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
  }
  const stormSize = integer('--storm', values.storm, 1, 1_000_000);
  const redelivery = {
    ...DEFAULT_REDELIVERY,
    maxAttempts: integer('--max-attempts', values['max-attempts'], 1, 100) ?? DEFAULT_REDELIVERY.maxAttempts,
  };
  return {
    webhookUrl,
    appSecret: values['app-secret'],
    verifyToken: values['verify-token'],
    sinkUrl: values.sink,
    scenarios,
    delayMs: integer('--delay-ms', values['delay-ms'], 0, 600_000) ?? 1_500,
    storm:
      stormSize === undefined
        ? undefined
        : {
            messages: stormSize,
            copies: integer('--copies', values.copies, 1, 100) ?? 3,
            concurrency: integer('--concurrency', values.concurrency, 1, 1_000) ?? 16,
            spreadMs: integer('--spread-ms', values['spread-ms'], 0, 600_000) ?? 1_000,
            seed: integer('--seed', values.seed, 0, 2 ** 31) ?? 1,
            redelivery,
          },
    redelivery,
    phoneNumberId: values['phone-number-id'] ?? DEFAULT_PHONE_NUMBER_ID,
    from: values.from ?? DEFAULT_FROM,
    bot: knownBot(values.bot),
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

/**
 * Who to sign as and where to look for replies. For a local server, its session file is the truth
 * (its secrets are generated per run); for anything else, flags and then the environment.
 */
export async function resolveTarget(options: SimulateOptions, env: Env): Promise<SimulationTarget> {
  const url = new URL(options.webhookUrl);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const session = local ? await readSession(Number(url.port || 80)) : undefined;
  const appSecret = options.appSecret ?? session?.appSecret ?? nonEmpty(env[ENV.appSecret]);
  if (appSecret === undefined) {
    throw new UsageError(
      local
        ? `no local server found on port ${url.port || 80}: start one with \`npm start\`, or pass --app-secret`
        : `signing needs the app secret of that webhook: --app-secret VALUE or ${ENV.appSecret}`,
    );
  }
  return {
    webhookUrl: options.webhookUrl,
    appSecret,
    verifyToken: options.verifyToken ?? session?.verifyToken ?? nonEmpty(env[ENV.verifyToken]),
    sinkUrl:
      options.sinkUrl ?? session?.sinkUrl ?? (local ? new URL('/__sink/replies', url).href : undefined),
    phoneNumberId: options.phoneNumberId,
    from: options.from,
    replyMode: session?.replyMode,
    readReceipts: session?.readReceipts,
    bot: options.bot ?? session?.bot,
  };
}

function knownBot(value: string | undefined): LocalBot | undefined {
  if (value === undefined) return undefined;
  const bot = LOCAL_BOTS.find((known) => known === value);
  if (bot === undefined)
    throw new UsageError(`--bot must be one of ${LOCAL_BOTS.join(', ')}, got "${value}"`);
  return bot;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      url: { type: 'string' },
      'app-secret': { type: 'string' },
      'verify-token': { type: 'string' },
      scenario: { type: 'string' },
      'delay-ms': { type: 'string' },
      storm: { type: 'string' },
      copies: { type: 'string' },
      concurrency: { type: 'string' },
      'spread-ms': { type: 'string' },
      seed: { type: 'string' },
      'max-attempts': { type: 'string' },
      'phone-number-id': { type: 'string' },
      from: { type: 'string' },
      sink: { type: 'string' },
      bot: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
