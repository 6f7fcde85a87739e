import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CrashSwitch, parseCrashOrder } from './crash-switch';
import { isLocalClient } from './http-server';

export const CRASH_PATH = '/__faults/crash';
/** A crash order is a few dozen bytes. */
const MAX_ORDER_BYTES = 4_096;

/**
 * `POST /__faults/crash {"inReplyTo": "<wamid>", "beforePart": 1}` arms the crash switch (202);
 * `GET` shows the armed and fired crashes. Like the sink's record, only for clients on this machine:
 * through a tunnel anyone could kill the server's invocations.
 */
export async function serveCrashSwitch(
  req: IncomingMessage,
  res: ServerResponse,
  crashSwitch: CrashSwitch | undefined,
): Promise<void> {
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  if (!isLocalClient(req)) return json(403, { error: 'the crash switch only answers local clients' });
  if (!crashSwitch) {
    return json(404, {
      error: 'no crash switch: this server sends replies to the real Graph API (--graph real)',
    });
  }
  if (req.method === 'GET') return json(200, { armed: crashSwitch.armed(), fired: crashSwitch.fired() });
  if (req.method !== 'POST') return json(405, { error: 'GET or POST only' });
  const text = await readText(req);
  if (text === undefined) return json(413, { error: `a crash order is at most ${MAX_ORDER_BYTES} bytes` });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return json(400, { error: 'the body is not JSON' });
  }
  const order = parseCrashOrder(body);
  if (typeof order === 'string') return json(400, { error: order });
  crashSwitch.arm(order);
  return json(202, { armed: order });
}

async function readText(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size > MAX_ORDER_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
