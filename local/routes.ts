import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpRequest, toHttpApiEvent, writeHttpApiResult } from '../devkit/api-gateway';

import { lambdaContext } from '../devkit/lambda-host/lambda-context';
import { CRASH_PATH, serveCrashSwitch } from './crash-route';
import type { CrashSwitch } from './crash-switch';
import type { HttpApiHandler } from './deployed-handler';
import type { GraphSink } from './graph-sink';
import { runHosted } from './hosted-invocation';
import { isLocalClient } from './http-server';
import { ECHO_USER_AGENT } from './status-echo';
import { describeInbound, type InboundSummary } from './transcript';

export const WEBHOOK_PATH = '/webhook';
export const SINK_PATH = '/__sink/replies';
/** API Gateway's own payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const FUNCTION_NAME = 'whatsapp-once-local';

export interface RouteDeps {
  handler: HttpApiHandler;
  sink: GraphSink | undefined;
  /** The fault switch beside the sink (`POST /__faults/crash`); none with `--graph real`. */
  crashSwitch: CrashSwitch | undefined;
  /** The Lambda timeout the handler sees. */
  timeoutMs: number;
  print: (line: string) => void;
}

/**
 * What API Gateway and Lambda do with one request: GET and POST on the webhook path become an
 * HTTP API v2 event for the handler; anything else is API Gateway's 404. Plus the sink's record.
 */
export function routes(deps: RouteDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === SINK_PATH) return serveSink(req, res, url, deps.sink);
    if (url.pathname === CRASH_PATH) return serveCrashSwitch(req, res, deps.crashSwitch);
    if (url.pathname !== WEBHOOK_PATH || (req.method !== 'GET' && req.method !== 'POST')) {
      // The stack routes GET and POST on the webhook path only; API Gateway answers this for the rest.
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      res
        .writeHead(413, { 'content-type': 'application/json' })
        .end('{"message":"Request Entity Too Large"}');
      return;
    }
    await invoke(deps, req, res, {
      method: req.method,
      url: req.url ?? WEBHOOK_PATH,
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
  };
}

async function invoke(
  deps: RouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  request: HttpRequest,
): Promise<void> {
  const event = toHttpApiEvent(request, `${request.method} ${WEBHOOK_PATH}`);
  const isEcho = req.headers['user-agent'] === ECHO_USER_AGENT;
  const inbound = request.method === 'POST' ? describeInbound(request.body) : undefined;
  if (!isEcho) for (const line of inbound?.lines ?? []) deps.print(line);

  const started = performance.now();
  const context = lambdaContext({
    remainingMs: deps.timeoutMs,
    functionName: FUNCTION_NAME,
    requestId: event.requestContext.requestId,
  });
  const run = await runHosted(() => deps.handler(event, context));
  const status = run.kind === 'returned' ? writeHttpApiResult(res, run.result) : answerCrashedFunction(res);
  const ms = Math.round(performance.now() - started);
  // The sink's own status echoes are noise on screen unless they fail.
  if (isEcho && status === 200) return;
  const died = run.kind === 'died' ? ': the invocation died (crash switch)' : '';
  deps.print(
    `   ${request.method} ${WEBHOOK_PATH} ${status} in ${ms} ms${what(request.method, inbound, isEcho)}${died}`,
  );
}

/**
 * What API Gateway answers at once when the function's runtime crashed: "If the function runs but
 * returns an error ... API Gateway returns a 502" (AWS Lambda Developer Guide, "Handling Lambda errors
 * with an API Gateway API"); devkit's `InvocationAnswer` 'died' is the same 502. Meta delivers again.
 */
function answerCrashedFunction(res: ServerResponse): number {
  res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
  return 502;
}

function what(method: string, inbound: InboundSummary | undefined, isEcho: boolean): string {
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
  if (!isLocalClient(req)) {
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
  const prefix = url.searchParams.get('prefix') ?? undefined;
  json(200, { replies: sink.replies(prefix), reads: sink.reads(prefix) });
}

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
