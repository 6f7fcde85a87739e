import { randomUUID } from 'node:crypto';
import { type AttributeValue, DeleteTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createClaimTable, localDynamoDbClient, readRawItem } from '../../devkit/dynamodb-local';
import { sleep } from '../../devkit/sleep';
import type { Ledger } from './ledger';

/** A paused zombie resumes at the latest after this long, taken over or not. */
const ZOMBIE_CAP_MS = 20_000;

export interface StormRecord {
  pk: string;
  state: string;
  attempt: number;
  outboundId?: string;
  errorCode?: number;
}

/**
 * The storm's own view of a plan's table, through a client of its own: no faults, and its
 * requests are not counted against the handler.
 */
export async function stormTable(endpoint: string, planName: string, options: { stream?: boolean } = {}) {
  const tableName = `storm-${planName}-${randomUUID()}`;
  const admin = localDynamoDbClient(endpoint);
  await createClaimTable(admin, tableName, options);

  const read = (pk: string) => readRawItem(admin, tableName, pk);

  return {
    tableName,
    /** Resolves once record `pk` moved past `attempt` (taken over) or settled; undefined: the attempt seen first. */
    async untilTakenOver(ledger: Ledger, pk: string, attempt: number | undefined): Promise<void> {
      const started = Date.now();
      let seen = attempt;
      for (;;) {
        const record = await read(pk);
        seen ??= typeof record?.attempt === 'number' ? record.attempt : undefined;
        if (record && seen !== undefined && record.attempt > seen) {
          ledger.zombies.resumedAfterTakeover++;
          return;
        }
        if (record?.state === 'done' || record?.state === 'failed') {
          ledger.zombies.resumedAfterSettle++;
          return;
        }
        if (Date.now() - started > ZOMBIE_CAP_MS) {
          ledger.zombies.resumedAtCap++;
          return;
        }
        await sleep(100);
      }
    },
    /** Every record, read consistently once the plan is over. */
    async records(): Promise<StormRecord[]> {
      const items: StormRecord[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await admin.send(
          new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) {
          const record = unmarshall(item);
          items.push({
            pk: String(record.pk),
            state: String(record.state),
            attempt: Number(record.attempt),
            ...(typeof record.errorCode === 'number' ? { errorCode: record.errorCode } : {}),
            ...(typeof record.outboundId === 'string' ? { outboundId: record.outboundId } : {}),
          });
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async drop(): Promise<void> {
      await admin.send(new DeleteTableCommand({ TableName: tableName }));
      admin.destroy();
    },
  };
}
