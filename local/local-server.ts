import { startLocalSqs } from '../devkit/local-sqs';
import type { QueuedRuntime } from '../devkit/queued-runtime';
import { installCrashSwitch } from './crash-switch';
import { loadDeployedHandler } from './deployed-handler';
import {
  describeRealTable,
  ensureClaimTable,
  type RunningStore,
  startStore,
  type TableSetup,
} from './dynamodb-store';
import { checkPython, pythonProblemMessage, type RunningBot, startExampleBot } from './example-bot';
import { startGraphSink } from './graph-sink';
import { handlerEnvironment, readReceiptsOf } from './handler-env';
import { listenOnLoopback } from './http-server';
import { checkJava, javaProblemMessage } from './java-check';
import type { LocalOptions } from './options';
import { startQueuedFunctions } from './queued-functions';
import { routes, SINK_PATH, WEBHOOK_PATH } from './routes';
import { removeSession, writeSession } from './session-file';
import { statusEcho } from './status-echo';
import { readLine, replyLine } from './transcript';

const TABLE_NOTES: Record<TableSetup, string> = {
  created: 'created',
  'created-without-ttl': 'created (no TTL API in dynalite; the claim compares expiry itself)',
  exists: 'kept from the last run',
};

export interface LocalServer {
  port: number;
  webhookUrl: string;
  sinkUrl: string | undefined;
  store: RunningStore;
  /** What happened to the claim table at start, for the banner. */
  table: string;
  /** Queued mode's stream worker and re-drive queue; undefined inline. */
  queued: QueuedRuntime | undefined;
  /** MARK_AS_READ / TYPING_INDICATOR as the functions got them. */
  readReceipts: { markAsRead: boolean; typingIndicator: boolean };
  /** The example bot this server started (`--bot example | example-rasa`); undefined otherwise. */
  bot: RunningBot | undefined;
  stop(): Promise<void>;
}

/**
 * The local stand-in for API Gateway + Lambda: a DynamoDB, a Graph sink, and an HTTP server on
 * 127.0.0.1 that turns each request into an HTTP API v2 event for the deployed handler module.
 * `print` receives the transcript and request lines.
 */
export async function startLocalServer(
  options: LocalOptions,
  print: (line: string) => void,
): Promise<LocalServer> {
  // Undone in reverse: the session file goes first, the store last.
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  const queuedMode = options.mode === 'queued';
  if (queuedMode) {
    const java = checkJava();
    if (!java.ok) throw new Error(javaProblemMessage(java.problem));
  }
  const exampleBot = options.bot === 'example' || options.bot === 'example-rasa' ? options.bot : undefined;
  if (exampleBot) {
    const python = checkPython();
    if (!python.ok) throw new Error(pythonProblemMessage(exampleBot, python.problem));
  }
  try {
    const store = await startStore(options.dynamodb, options.dataDir);
    stops.push(store.stop);
    const table =
      store.endpoint === undefined
        ? await describeRealTable(options.tableName)
        : TABLE_NOTES[await ensureClaimTable(store.endpoint, options.tableName, { stream: queuedMode })];
    const bot = exampleBot ? await startExampleBot(exampleBot, print) : undefined;
    if (bot) stops.push(bot.stop);
    const queue = queuedMode ? await startLocalSqs() : undefined;
    if (queue) stops.push(queue.close);
    let webhookUrl = '';
    const echo =
      options.graph === 'sink' && options.statusWebhooks
        ? statusEcho(() => webhookUrl, options.appSecret)
        : undefined;
    const sink =
      options.graph === 'sink'
        ? await startGraphSink(
            (reply) => {
              print(replyLine(reply));
              echo?.echo(reply);
            },
            (read) => print(readLine(read)),
          )
        : undefined;
    if (sink) stops.push(sink.close);
    // Beside the sink only, and before the deployed modules load: they keep the fetch they find.
    const crashSwitch = sink ? installCrashSwitch(print) : undefined;
    if (crashSwitch) stops.push(async () => crashSwitch.uninstall());

    const environment = handlerEnvironment(
      options,
      {
        dynamoDb: store.endpoint,
        graph: sink?.baseUrl,
        ...(queue ? { redriveQueue: queue } : {}),
        ...(bot ? { bot } : {}),
      },
      process.env,
    );
    const handler = await loadDeployedHandler(environment);
    // Started before the HTTP server, stopped after it: a claim written by a last request is still read.
    const queued =
      queue && store.endpoint !== undefined
        ? await startQueuedFunctions({ endpoint: store.endpoint, tableName: options.tableName, queue, print })
        : undefined;
    if (queued) stops.push(queued.stop);
    const http = await listenOnLoopback(
      options.port,
      routes({ handler, sink, crashSwitch, timeoutMs: options.timeoutMs, print }),
      (req, error) => print(`!! ${req.method} ${req.url} failed in the local server: ${String(error)}`),
    );
    stops.push(() => http.close(options.timeoutMs));
    // Status echoes post to the server: cancelled before it closes.
    if (echo) stops.push(echo.stop);
    webhookUrl = `http://127.0.0.1:${http.port}${WEBHOOK_PATH}`;
    const sinkUrl = sink ? `http://127.0.0.1:${http.port}${SINK_PATH}` : undefined;
    await writeSession(http.port, {
      webhookUrl,
      appSecret: options.appSecret,
      verifyToken: options.verifyToken,
      sinkUrl,
      replyMode: options.mode,
      readReceipts: readReceiptsOf(environment),
      bot: options.bot,
      pid: process.pid,
    });
    stops.push(() => removeSession(http.port));

    let stopping: Promise<void> | undefined;
    return {
      port: http.port,
      webhookUrl,
      sinkUrl,
      store,
      table,
      queued,
      readReceipts: readReceiptsOf(environment),
      bot,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
