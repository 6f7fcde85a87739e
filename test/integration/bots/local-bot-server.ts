import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BotCall {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: unknown;
  /** The signature checked the way a bot should: HMAC-SHA256 of the raw bytes, constant-time compare. */
  signatureValid: boolean;
}

export type BotReply = { status: number; body: string } | { hang: true };

/** A bot on 127.0.0.1 that records every call, verifies its signature and answers as scripted. */
export async function startLocalBot(secret: string | undefined, answer: (call: BotCall) => BotReply) {
  const calls: BotCall[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const call: BotCall = {
        path: request.url ?? '',
        headers: request.headers,
        raw,
        body: JSON.parse(raw),
        signatureValid: verify(raw, request.headers['x-bot-signature-256'], secret),
      };
      calls.push(call);
      const reply = answer(call);
      if ('hang' in reply) return; // never answers: the caller's timeout must end it
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/rest/webhook`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function verify(raw: string, header: string | string[] | undefined, secret: string | undefined): boolean {
  if (secret === undefined || typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw, 'utf8').digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const json = (body: unknown, status = 200): BotReply => ({ status, body: JSON.stringify(body) });
