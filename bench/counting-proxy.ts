import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { itemSize, writeUnitsFor } from './item-size';

/** How one DynamoDB operation ended, as seen on the wire, and the request units it consumed. */
export interface OperationCounts {
  ok: number;
  /** HTTP 400 `ConditionalCheckFailedException`: a lost claim, or a fenced write refused. */
  conditionFailed: number;
  error: number;
  /**
   * Capacity units (write units for writes, read units for reads): as DynamoDB Local reports them for
   * a success (`ReturnConsumedCapacity: TOTAL`, which the proxy adds), and for a failed condition
   * computed from the size of the item that stayed (DynamoDB bills it so, and reports nothing).
   */
  capacityUnits: number;
}

export type RequestCounts = Record<string, OperationCounts>;

export interface CountingProxy {
  endpoint: string;
  /** A copy of the counts so far, by operation (`PutItem`, `GetItem`...). */
  snapshot(): RequestCounts;
  close(): Promise<void>;
}

const TARGET_HEADER = 'x-amz-target';
/** Item operations whose consumed capacity DynamoDB returns when asked. */
const ITEM_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'GetItem', 'Query', 'Scan']);

/**
 * An HTTP proxy in front of DynamoDB Local that counts every request by its `X-Amz-Target`
 * operation and outcome, with the capacity units it consumed. Every bench target talks to DynamoDB
 * through one of these (via `AWS_ENDPOINT_URL_DYNAMODB`), so all are counted the same way, outside
 * their own code. The one change on the wire: item operations ask for `ReturnConsumedCapacity:
 * TOTAL` (DynamoDB Local honours it; it does not check signatures), so the answer carries one more
 * field the targets ignore.
 */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts: RequestCounts = {};
  const count = (operation: string, outcome: Outcome, units: number) => {
    counts[operation] ??= { ok: 0, conditionFailed: 0, error: 0, capacityUnits: 0 };
    counts[operation][outcome]++;
    counts[operation].capacityUnits += units;
  };

  const server = createServer((req, res) => {
    const operation = operationOf(req);
    readAll(req).then((body) => {
      const sent = ITEM_OPERATIONS.has(operation) ? withConsumedCapacity(body) : body;
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...withoutFraming(req.headers), 'content-length': String(sent.length) },
          agent,
        },
        (upstreamRes) => relay(upstreamRes, res, (outcome, units) => count(operation, outcome, units)),
      );
      forward.on('error', () => {
        count(operation, 'error', 0);
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      forward.end(sent);
    });
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

type Outcome = 'ok' | 'conditionFailed' | 'error';

function operationOf(req: IncomingMessage): string {
  const header = req.headers[TARGET_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  // `DynamoDB_20120810.PutItem` -> `PutItem`
  return value?.split('.').pop() ?? 'unknown';
}

/** The body is sent whole with its new length: drop the client's own framing header. */
function withoutFraming(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const { 'transfer-encoding': _chunked, ...rest } = headers;
  return rest;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function withConsumedCapacity(body: Buffer): Buffer {
  const json = parseObject(body);
  if (json === undefined || json.ReturnConsumedCapacity !== undefined) return body;
  return Buffer.from(JSON.stringify({ ...json, ReturnConsumedCapacity: 'TOTAL' }));
}

/** Passes the answer through unchanged (the SDK checks its CRC32); reads it to count units and outcome. */
function relay(
  upstreamRes: IncomingMessage,
  res: ServerResponse,
  counted: (outcome: Outcome, units: number) => void,
): void {
  const status = upstreamRes.statusCode ?? 502;
  res.writeHead(status, upstreamRes.headers);
  readAll(upstreamRes).then((body) => {
    res.end(body);
    if (status < 300) counted('ok', reportedUnits(parseObject(body)));
    else if (status === 400 && body.includes('ConditionalCheckFailedException'))
      counted('conditionFailed', failedWriteUnits(parseObject(body)));
    else counted('error', 0);
  });
}

function reportedUnits(json: Record<string, unknown> | undefined): number {
  const consumed = json?.ConsumedCapacity;
  if (typeof consumed !== 'object' || consumed === null || !('CapacityUnits' in consumed)) return 0;
  return Number(consumed.CapacityUnits) || 0;
}

/**
 * A failed condition is billed by the size of the existing item, at least one unit. The item is in
 * the answer when the caller asked for `ReturnValuesOnConditionCheckFailure: ALL_OLD`; else one unit
 * (every item of this bench is far under 1 KB).
 */
function failedWriteUnits(json: Record<string, unknown> | undefined): number {
  const item = json?.Item;
  if (typeof item !== 'object' || item === null) return 1;
  return writeUnitsFor(itemSize(item as Parameters<typeof itemSize>[0]));
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Counts added between two snapshots; operations that did not occur meanwhile are left out. */
export function countsBetween(before: RequestCounts, after: RequestCounts): RequestCounts {
  const result: RequestCounts = {};
  for (const [operation, now] of Object.entries(after)) {
    const then = before[operation] ?? { ok: 0, conditionFailed: 0, error: 0, capacityUnits: 0 };
    const added = {
      ok: now.ok - then.ok,
      conditionFailed: now.conditionFailed - then.conditionFailed,
      error: now.error - then.error,
      capacityUnits: now.capacityUnits - then.capacityUnits,
    };
    if (added.ok + added.conditionFailed + added.error > 0) result[operation] = added;
  }
  return result;
}

/** Every request in the counts, whatever its outcome. */
export const totalRequests = (counts: RequestCounts): number =>
  Object.values(counts).reduce((sum, c) => sum + c.ok + c.conditionFailed + c.error, 0);

const READS = /^(Get|BatchGet|Query|Scan)/;

/** Requests of reading operations (GetItem, Query...): a duplicate should cause none. */
export const readRequests = (counts: RequestCounts): number =>
  Object.entries(counts)
    .filter(([operation]) => READS.test(operation))
    .reduce((sum, [, c]) => sum + c.ok + c.conditionFailed + c.error, 0);

/** Write and read request units in the counts (a failed conditional write counts as a write). */
export function capacityUnits(counts: RequestCounts): { write: number; read: number } {
  let write = 0;
  let read = 0;
  for (const [operation, c] of Object.entries(counts)) {
    if (READS.test(operation)) read += c.capacityUnits;
    else write += c.capacityUnits;
  }
  return { write, read };
}
