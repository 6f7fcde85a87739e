import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { sleep } from './sleep';

export interface GraphRequest {
  phoneNumberId: string;
  version: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** The inbound wamid this reply quotes (`context.message_id`). */
  inReplyTo: string | undefined;
  callbackData: string | undefined;
  receivedAt: number;
}

/**
 * What the stub does with one request: answer (after an optional delay), or never answer.
 * `accept.answerDelayMs`: the reply is accepted (reaches the user) at once, the HTTP answer comes late.
 * `hang.delivered`: the reply reaches the user but the answer never comes back; without it the reply is lost.
 */
export type GraphBehaviour =
  | { kind: 'accept'; delayMs?: number; answerDelayMs?: number }
  | { kind: 'error'; status: number; code?: number; delayMs?: number }
  | { kind: 'hang'; delivered?: boolean };

export interface GraphStub {
  baseUrl: string;
  requests: GraphRequest[];
  /** Requests the stub accepted (a reply that reached the user), with the wamid it returned. */
  accepted: { request: GraphRequest; outboundId: string }[];
  behave(next: (request: GraphRequest) => GraphBehaviour): void;
  close(): Promise<void>;
}

/** A Graph API stand-in on 127.0.0.1 that records every `/{version}/{phone-number-id}/messages` call. */
export async function startGraphStub(
  options: { onAccepted?: (request: GraphRequest, outboundId: string) => void } = {},
): Promise<GraphStub> {
  const requests: GraphRequest[] = [];
  const accepted: GraphStub['accepted'] = [];
  let behaviour: (request: GraphRequest) => GraphBehaviour = () => ({ kind: 'accept' });
  const server: Server = createServer(async (req, res) => {
    const match = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(req.url ?? '');
    const raw = await readBody(req);
    if (req.method !== 'POST' || !match) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"message":"not found","code":100}}');
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw);
    } catch {
      res.writeHead(400).end('{"error":{"message":"bad json","code":100}}');
      return;
    }
    const context = body.context as { message_id?: string } | undefined;
    const request: GraphRequest = {
      version: match[1] ?? '',
      phoneNumberId: decodeURIComponent(match[2] ?? ''),
      authorization: req.headers.authorization,
      body,
      inReplyTo: context?.message_id,
      callbackData:
        typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined,
      receivedAt: Date.now(),
    };
    requests.push(request);
    const plan = behaviour(request);
    const accept = () => {
      const outboundId = `wamid.stub-${randomUUID()}`;
      accepted.push({ request, outboundId });
      options.onAccepted?.(request, outboundId);
      return outboundId;
    };
    if (plan.kind === 'hang') {
      if (plan.delivered) accept();
      return;
    }
    if (plan.delayMs) await sleep(plan.delayMs);
    if (plan.kind === 'error') {
      const error = { message: 'stubbed error', type: 'OAuthException', code: plan.code, fbtrace_id: 'stub' };
      res.writeHead(plan.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
      return;
    }
    const outboundId = accept();
    if (plan.answerDelayMs) await sleep(plan.answerDelayMs);
    // The caller may have given up (timeout) while the answer was held back.
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: outboundId }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    behave(next) {
      behaviour = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
