import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { lambdaContext } from '../test/support/api-events';
import { type HttpApiHandler, loadDeployedHandler } from './deployed-handler';
import {
  describeRealTable,
  ensureClaimTable,
  type RunningStore,
  startStore,
  type TableSetup,
} from './dynamodb-store';
import { type GraphSink, startGraphSink } from './graph-sink';
import { handlerEnvironment } from './handler-env';
import { type HttpRequest, toHttpApiEvent, writeHttpApiResult } from './http-api-event';
import type { LocalOptions } from './options';
import { removeSession, writeSession } from './session-file';
import { ECHO_USER_AGENT, statusEcho } from './status-echo';
import { describeInbound, replyLine } from './transcript';

export const WEBHOOK_PATH = '/webhook';
export const SINK_PATH = '/__sink/replies';
/** API Gateway's own payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const FUNCTION_NAME = 'whatsapp-once-local';

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
  try {
    const store = await startStore(options.dynamodb, options.dataDir);
    stops.push(store.stop);
    const table =
      store.endpoint === undefined
        ? await describeRealTable(options.tableName)
        : TABLE_NOTES[await ensureClaimTable(store.endpoint, options.tableName)];
    let webhookUrl = '';
    const echo =
      options.graph === 'sink' && options.statusWebhooks
        ? statusEcho(() => webhookUrl, options.appSecret)
        : undefined;
    const sink =
      options.graph === 'sink'
        ? await startGraphSink((reply) => {
            print(replyLine(reply));
            echo?.echo(reply);
          })
        : undefined;
    if (sink) stops.push(sink.close);

    const handler = await loadDeployedHandler(
      handlerEnvironment(options, { dynamoDb: store.endpoint, graph: sink?.baseUrl }, process.env),
    );
    const http = await listen(options, handler, sink, print);
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

interface Listening {
  port: number;
  /** Stops accepting, lets requests in progress finish (at most `graceMs`), then drops connections. */
  close(graceMs: number): Promise<void>;
}

async function listen(
  options: LocalOptions,
  handler: HttpApiHandler,
  sink: GraphSink | undefined,
  print: (line: string) => void,
): Promise<Listening> {
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handling = route(req, res, options, handler, sink, print)
      .catch((error: unknown) => {
        print(`!! ${req.method} ${req.url} failed in the local server: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"message":"Internal Server Error"}');
      })
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all([...inFlight]), grace]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  options: LocalOptions,
  handler: HttpApiHandler,
  sink: GraphSink | undefined,
  print: (line: string) => void,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === SINK_PATH) return serveSink(req, res, url, sink);
  if (url.pathname !== WEBHOOK_PATH || (req.method !== 'GET' && req.method !== 'POST')) {
    // What API Gateway answers for a route it does not have: the stack routes GET and POST only.
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    return;
  }
  const body = await readBody(req);
  if (body === undefined) {
    res.writeHead(413, { 'content-type': 'application/json' }).end('{"message":"Request Entity Too Large"}');
    return;
  }
  const request: HttpRequest = {
    method: req.method,
    url: req.url ?? WEBHOOK_PATH,
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
  };
  const event = toHttpApiEvent(request, `${req.method} ${WEBHOOK_PATH}`);
  const isEcho = req.headers['user-agent'] === ECHO_USER_AGENT;
  const inbound = req.method === 'POST' ? describeInbound(body) : undefined;
  if (!isEcho) for (const line of inbound?.lines ?? []) print(line);

  const started = performance.now();
  const context = {
    ...lambdaContext(options.timeoutMs),
    functionName: FUNCTION_NAME,
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${FUNCTION_NAME}`,
    logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
    awsRequestId: event.requestContext.requestId,
  };
  const status = writeHttpApiResult(res, await handler(event, context));
  const ms = Math.round(performance.now() - started);
  if (isEcho && status === 200) return;
  print(`   ${req.method} ${WEBHOOK_PATH} ${status} in ${ms} ms${what(req.method, inbound, isEcho)}`);
}

function what(
  method: string,
  inbound: ReturnType<typeof describeInbound> | undefined,
  isEcho: boolean,
): string {
  if (method === 'GET') return ' (subscription handshake)';
  if (isEcho) return ' (status echo)';
  const parts = [];
  if (inbound?.messages) parts.push(`${inbound.messages} message${inbound.messages === 1 ? '' : 's'}`);
  if (inbound?.statuses) parts.push(`${inbound.statuses} status${inbound.statuses === 1 ? '' : 'es'}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * The sink's record, for the simulator. Refused to anything that came through a proxy or tunnel:
 * it holds phone numbers and message texts.
 */
function serveSink(req: IncomingMessage, res: ServerResponse, url: URL, sink: GraphSink | undefined): void {
  const json = (status: number, value: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  if (req.headers['x-forwarded-for'] || req.headers.forwarded || !isLoopback(req.socket.remoteAddress)) {
    json(403, { error: 'the sink record is only served to local clients' });
    return;
  }
  if (req.method !== 'GET') {
    json(405, { error: 'GET only' });
    return;
  }
  if (!sink) {
    json(404, { error: 'no Graph sink: this server sends replies to the real Graph API (--graph real)' });
    return;
  }
  json(200, { replies: sink.replies(url.searchParams.get('prefix') ?? undefined) });
}

const isLoopback = (address: string | undefined): boolean =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
