import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { CONSISTENT_GET } from './cost-units';

/** How one DynamoDB operation ended, as seen on the wire. */
export interface OperationCounts {
  ok: number;
  /** HTTP 400 `ConditionalCheckFailedException`: a lost claim, or a fenced write refused. */
  conditionFailed: number;
  error: number;
}

export type RequestCounts = Record<string, OperationCounts>;

export interface CountingProxy {
  endpoint: string;
  /** A copy of the counts so far, by operation (`PutItem`, `GetItem`...). */
  snapshot(): RequestCounts;
  close(): Promise<void>;
}

const TARGET_HEADER = 'x-amz-target';

/**
 * An HTTP proxy in front of DynamoDB Local that counts every request by its `X-Amz-Target`
 * operation and outcome. Every bench target talks to DynamoDB through one of these (via
 * `AWS_ENDPOINT_URL_DYNAMODB`), so all are counted the same way, outside their own code.
 */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts: RequestCounts = {};
  const count = (operation: string, outcome: keyof OperationCounts) => {
    counts[operation] ??= { ok: 0, conditionFailed: 0, error: 0 };
    counts[operation][outcome]++;
  };

  const server = createServer((req, res) => {
    const operation = operationOf(req);
    // A consistent GetItem costs twice an eventually consistent one: only its body says which it is.
    const body: Buffer[] = [];
    if (operation === 'GetItem') req.on('data', (chunk: Buffer) => body.push(chunk));
    const counted = () => (operation === 'GetItem' && isConsistentRead(body) ? CONSISTENT_GET : operation);
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (upstreamRes) => relay(upstreamRes, res, (outcome) => count(counted(), outcome)),
    );
    forward.on('error', () => {
      count(counted(), 'error');
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    snapshot: () => structuredClone(counts),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

function operationOf(req: IncomingMessage): string {
  const header = req.headers[TARGET_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  // `DynamoDB_20120810.PutItem` -> `PutItem`
  return value?.split('.').pop() ?? 'unknown';
}

function isConsistentRead(body: Buffer[]): boolean {
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(body).toString('utf8'));
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      'ConsistentRead' in parsed &&
      parsed.ConsistentRead === true
    );
  } catch {
    return false;
  }
}

/** Passes the answer through; only a 400 body is read, to tell a failed condition from other errors. */
function relay(
  upstreamRes: IncomingMessage,
  res: ServerResponse,
  counted: (outcome: keyof OperationCounts) => void,
): void {
  const status = upstreamRes.statusCode ?? 502;
  res.writeHead(status, upstreamRes.headers);
  if (status !== 400) {
    counted(status < 300 ? 'ok' : 'error');
    upstreamRes.pipe(res);
    return;
  }
  const chunks: Buffer[] = [];
  upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
  upstreamRes.on('end', () => {
    const body = Buffer.concat(chunks);
    counted(body.includes('ConditionalCheckFailedException') ? 'conditionFailed' : 'error');
    res.end(body);
  });
}

/** Counts added between two snapshots; operations that did not occur meanwhile are left out. */
export function countsBetween(before: RequestCounts, after: RequestCounts): RequestCounts {
  const result: RequestCounts = {};
  for (const [operation, now] of Object.entries(after)) {
    const then = before[operation] ?? { ok: 0, conditionFailed: 0, error: 0 };
    const added = {
      ok: now.ok - then.ok,
      conditionFailed: now.conditionFailed - then.conditionFailed,
      error: now.error - then.error,
    };
    if (added.ok + added.conditionFailed + added.error > 0) result[operation] = added;
  }
  return result;
}

/** Every request in the counts, whatever its outcome. */
export const totalRequests = (counts: RequestCounts): number =>
  Object.values(counts).reduce((sum, c) => sum + c.ok + c.conditionFailed + c.error, 0);

/** Requests of reading operations (GetItem, Query...): a duplicate should cause none. */
export const readRequests = (counts: RequestCounts): number =>
  Object.entries(counts)
    .filter(([operation]) => /^(Get|BatchGet|Query|Scan)/.test(operation))
    .reduce((sum, [, c]) => sum + c.ok + c.conditionFailed + c.error, 0);
