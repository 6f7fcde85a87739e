import type { TestProject } from 'vitest/node';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../devkit/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let dynamo: RunningDynamoDb | undefined;

/** One DynamoDB Local for the whole integration run; each test file makes its own tables. */
export async function setup(project: TestProject) {
  dynamo = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown() {
  await dynamo?.stop();
}
