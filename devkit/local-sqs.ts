import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message on the local queue, as Lambda's SQS event source would hand it over. */
export interface LocalSqsMessage {
  messageId: string;
  body: string;
  /** Epoch ms of SendMessage (SQS's SentTimestamp). */
  sentAt: number;
  /** How many times it was handed to a consumer (SQS's ApproximateReceiveCount). */
  receiveCount: number;
}

export interface LocalSqsOptions {
  /** The clock delays and visibility are counted on (tests may shift it). */
  now?: () => number;
}

interface Stored extends LocalSqsMessage {
  visibleAt: number;
}

/**
 * An SQS queue in memory behind the SQS JSON protocol's `SendMessage`, on 127.0.0.1: the worker's
 * real `SQSClient` reaches it through `AWS_ENDPOINT_URL_SQS`, so the deployed module runs unchanged.
 * `DelaySeconds` hides a message until due, `receive` takes due messages for a visibility timeout,
 * `remove` deletes one (a successful batch item). ElasticMQ would do the same but needs a jar that the
 * npm registry does not carry; this covers the one call the functions make. Messages live in memory only.
 */
export async function startLocalSqs(options: LocalSqsOptions = {}) {
  const now = options.now ?? Date.now;
  const messages: Stored[] = [];
  const server = createServer((req, res) => {
    void answer(req, res);
  });
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    if (target !== 'AmazonSQS.SendMessage') {
      return reply(400, {
        __type: 'com.amazonaws.sqs#UnsupportedOperation',
        message: `not served: ${target}`,
      });
    }
    let input: { MessageBody?: unknown; DelaySeconds?: unknown };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'body is not JSON' });
    }
    const delay = input.DelaySeconds ?? 0;
    if (typeof input.MessageBody !== 'string' || typeof delay !== 'number' || delay < 0 || delay > 900) {
      return reply(400, {
        __type: 'com.amazonaws.sqs#InvalidParameterValue',
        message: 'bad SendMessage input',
      });
    }
    const sentAt = now();
    const message = { messageId: randomUUID(), body: input.MessageBody, sentAt, receiveCount: 0 };
    messages.push({ ...message, visibleAt: sentAt + delay * 1000 });
    reply(200, {
      MessageId: message.messageId,
      // The SDK checks this digest of the body it sent.
      MD5OfMessageBody: createHash('md5').update(message.body).digest('hex'),
    });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    /** For `AWS_ENDPOINT_URL_SQS`. */
    endpoint,
    /** For the functions' `REDRIVE_QUEUE_URL`: SQS's URL shape, on this server. */
    queueUrl: `${endpoint}/000000000000/redrive`,
    /** Messages not yet deleted: delayed, due, or in flight with a consumer. */
    get size(): number {
      return messages.length;
    },
    /** When the next hidden message becomes visible, if any. */
    nextVisibleAt(): number | undefined {
      return messages.reduce<number | undefined>(
        (min, m) => (min === undefined || m.visibleAt < min ? m.visibleAt : min),
        undefined,
      );
    },
    /** Up to `max` visible messages, oldest first, each hidden again for `visibilityMs`. */
    receive(max: number, visibilityMs: number): LocalSqsMessage[] {
      const at = now();
      const due = messages.filter((m) => m.visibleAt <= at).sort((a, b) => a.visibleAt - b.visibleAt);
      return due.slice(0, max).map((m) => {
        m.visibleAt = at + visibilityMs;
        m.receiveCount++;
        return { messageId: m.messageId, body: m.body, sentAt: m.sentAt, receiveCount: m.receiveCount };
      });
    },
    /** SQS's ChangeMessageVisibility: hides a received message for `ms` from now. */
    changeVisibility(messageId: string, ms: number): void {
      const message = messages.find((m) => m.messageId === messageId);
      if (message) message.visibleAt = now() + ms;
    },
    /** Deletes a message (its consumer succeeded, or it went to the dead-letter queue). */
    remove(messageId: string): void {
      const index = messages.findIndex((m) => m.messageId === messageId);
      if (index >= 0) messages.splice(index, 1);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type LocalSqs = Awaited<ReturnType<typeof startLocalSqs>>;
