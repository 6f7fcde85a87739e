import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../devkit/dynalite';
import { createClaimTable, localDynamoDbClient, startDynamoDbLocal } from '../devkit/dynamodb-local';
import type { DynamoDbMode } from './options';

export interface RunningStore {
  /** The local endpoint, or undefined for a real table reached through the SDK's usual settings. */
  endpoint: string | undefined;
  description: string;
  stop(): Promise<void>;
}

/** Starts the DynamoDB the handler will talk to: embedded dynalite, DynamoDB Local (java), or none (AWS). */
export async function startStore(mode: DynamoDbMode, dataDir: string | undefined): Promise<RunningStore> {
  if (mode === 'aws') {
    return { endpoint: undefined, description: 'AWS (your profile and region)', stop: async () => {} };
  }
  const folder =
    dataDir === undefined ? undefined : join(dataDir, mode === 'local' ? 'dynamodb-local' : 'dynalite');
  if (folder !== undefined) await mkdir(folder, { recursive: true });
  const where = folder === undefined ? 'in memory' : `data in ${folder}`;
  if (mode === 'local') {
    const java = await startDynamoDbLocal(folder === undefined ? {} : { dbPath: folder });
    return { endpoint: java.endpoint, description: `DynamoDB Local (java), ${where}`, stop: java.stop };
  }
  const embedded = await startDynalite(folder);
  return { ...embedded, description: `dynalite (embedded), ${where}` };
}

export type TableSetup = 'created' | 'created-without-ttl' | 'exists';

/**
 * Creates the claim table as the CDK stack defines it, unless it is already there (a kept data dir).
 * dynalite has no TTL API; nothing depends on it, since the claim condition compares expiry itself.
 */
export async function ensureClaimTable(
  endpoint: string,
  tableName: string,
  options: { stream?: boolean } = {},
): Promise<TableSetup> {
  const client = localDynamoDbClient(endpoint);
  try {
    const existing = await describeTable(client, tableName);
    if (existing !== undefined) {
      if (options.stream && existing.LatestStreamArn === undefined) {
        throw new Error(
          `table ${tableName} in the data dir was created without a stream, which queued mode reads: use another --table or --data-dir`,
        );
      }
      return 'exists';
    }
    try {
      await createClaimTable(client, tableName, options);
      return 'created';
    } catch (error) {
      if (errorName(error) === 'UnknownOperationException' && (await tableExists(client, tableName))) {
        return 'created-without-ttl';
      }
      throw error;
    }
  } finally {
    client.destroy();
  }
}

/** For `--dynamodb aws`: a readable warning at start beats a 500 on the first message. */
export async function describeRealTable(tableName: string): Promise<string> {
  const client = new DynamoDBClient({});
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return `is ${Table?.TableStatus ?? 'in an unknown state'} (yours: not created or changed here)`;
  } catch (error) {
    return `could not be described (${errorName(error)}): check the name, your profile and region`;
  } finally {
    client.destroy();
  }
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  return (await describeTable(client, tableName)) !== undefined;
}

async function describeTable(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'UnknownError');
