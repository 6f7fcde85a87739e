import { randomUUID } from 'node:crypto';
import { CreateTableCommand, type DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createClaimTable } from '../devkit/dynamodb-local';

/**
 * The table Powertools idempotency documents (examples/snippets/idempotency/templates): string
 * partition key `id`, TTL on `expiration`, on-demand billing.
 */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    }),
  );
}

/** Creates the table a target needs (none for no-dedup; queued mode's with its stream) and returns its name. */
export async function tableForTarget(client: DynamoDBClient, target: string): Promise<string | undefined> {
  const tableName = `bench-${target}-${randomUUID()}`;
  if (target === 'ours') await createClaimTable(client, tableName);
  else if (target === 'queued') await createClaimTable(client, tableName, { stream: true });
  else if (target === 'baseline') await createIdempotencyTable(client, tableName);
  else return undefined;
  return tableName;
}
