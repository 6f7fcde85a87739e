import type { RequestCounts } from './counting-proxy';

/**
 * The proxy counts a strongly consistent GetItem under its own name, since DynamoDB bills it twice
 * an eventually consistent one.
 */
export const CONSISTENT_GET = 'GetItem(consistent)';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
/** Read request units per read: an item under 4 KB, eventually consistent unless named so. */
const READ_UNITS: Record<string, number> = { GetItem: 0.5, [CONSISTENT_GET]: 1 };
/** DynamoDB Streams calls: free when a Lambda trigger makes them (queued mode's worker). */
const FREE = new Set(['DescribeStream', 'GetShardIterator', 'GetRecords', 'ListStreams']);

/**
 * DynamoDB on-demand request units of the counted requests. Every item here is under 1 KB (a claim
 * record or a Powertools idempotency record), so a write is one unit; a write refused by its
 * condition is billed like one that succeeds. Requests that failed otherwise (throttled, 5xx) are
 * not billed. An operation this table does not know fails loudly rather than pricing it as free.
 */
export function requestUnits(counts: RequestCounts): { writeUnits: number; readUnits: number } {
  let writeUnits = 0;
  let readUnits = 0;
  for (const [operation, c] of Object.entries(counts)) {
    const billed = c.ok + c.conditionFailed;
    if (WRITES.has(operation)) writeUnits += billed;
    else if (operation in READ_UNITS) readUnits += billed * (READ_UNITS[operation] ?? 1);
    else if (!FREE.has(operation) && billed > 0)
      throw new Error(`no request-unit price for DynamoDB ${operation}`);
  }
  return { writeUnits, readUnits };
}
