import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

/** A message the queue holds until `dueAt` (epoch ms), then hands out. */
interface Held {
  body: string;
  dueAt: number;
}

export interface DelayedQueue {
  /** The queue URL for `REDRIVE_QUEUE_URL`; the SDK sends to it (and to `AWS_ENDPOINT_URL_SQS`). */
  queueUrl: string;
  endpoint: string;
  /** SQS requests by operation, including the receives and deletes the caller reports. */
  requests: Record<string, number>;
  /** Takes up to `max` messages whose delay is over, as the SQS event source's ReceiveMessage does. */
  receiveDue(max: number): string[];
  /** The caller's DeleteMessageBatch after an invocation: counted, nothing else to do here. */
  deleted(): void;
  /** A message that failed comes back after the visibility timeout. */
  returnLater(body: string, afterMs: number): void;
  /** Messages sent and not yet received (delayed or due). */
  held(): number;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AmazonSQS.';

/**
 * The re-drive queue for the bench: a minimal SQS endpoint on 127.0.0.1 speaking the JSON protocol
 * the SDK uses (`X-Amz-Target: AmazonSQS.SendMessage`), that honours `DelaySeconds` in real time. The
 * worker and redrive bundles send to it unchanged; the bench's pump plays the SQS event source.
 */
export async function startDelayedQueue(now: () => number = Date.now): Promise<DelayedQueue> {
  const messages: Held[] = [];
  const requests: Record<string, number> = {};
  const counted = (operation: string) => {
    requests[operation] = (requests[operation] ?? 0) + 1;
  };

  const server = createServer(async (req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(TARGET_PREFIX, '');
    const body = parse(await readAll(req));
    counted(operation || 'unknown');
    if (operation !== 'SendMessage' || typeof body?.MessageBody !== 'string') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({ __type: 'com.amazonaws.sqs#InvalidAction', message: `${operation} not served` }),
      );
      return;
    }
    const delaySeconds = Number(body.DelaySeconds ?? 0);
    messages.push({ body: body.MessageBody, dueAt: now() + delaySeconds * 1_000 });
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(
      JSON.stringify({
        MessageId: randomUUID(),
        // The SDK checks the body's MD5, as SQS returns it.
        MD5OfMessageBody: createHash('md5').update(body.MessageBody).digest('hex'),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    endpoint,
    queueUrl: `${endpoint}/000000000000/whatsapp-once-redrive`,
    requests,
    receiveDue(max) {
      const due: string[] = [];
      for (let i = 0; i < messages.length && due.length < max; ) {
        const held = messages[i];
        if (held !== undefined && held.dueAt <= now()) {
          due.push(held.body);
          messages.splice(i, 1);
        } else i++;
      }
      if (due.length > 0) counted('ReceiveMessage');
      return due;
    },
    deleted: () => counted('DeleteMessageBatch'),
    returnLater(body, afterMs) {
      messages.push({ body, dueAt: now() + afterMs });
    },
    held: () => messages.length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
