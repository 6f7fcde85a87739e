import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbClaimStore } from '../adapters/dynamodb-claim-store';
import { createDynamoDbClient } from '../adapters/dynamodb-client';
import { type Forwarder, forwarder } from '../adapters/forwarder';
import { graphReplySender } from '../adapters/graph-reply-sender';
import { configuredBot } from '../bots/configured-bot';
import { type Config, parseConfig } from '../config/config';
import { graphCredentials, type SecretsProvider, secretsProvider } from '../config/secrets';
import { ownerPace } from '../domain/owner-pace';
import type { AnswerDeps, Bot, Clock } from '../domain/ports';
import { protocolLog } from '../observability/protocol-log';
import { createTelemetry } from '../observability/telemetry';

/** Everything one container needs, built once at cold start. */
export interface WebhookApp {
  config: Config;
  secrets: SecretsProvider;
  deps: AnswerDeps;
  forward: Forwarder | undefined;
  logger: Logger;
  metrics: Metrics;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface AppOverrides {
  bot?: Bot;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  dynamoDb?: DynamoDBClient;
}

/** The one DynamoDB client of a container, for the webhook and the worker alike. */
export function documentClientFor(dynamoDb: DynamoDBClient | undefined): DynamoDBDocumentClient {
  // No explicit endpoint: the SDK's standard AWS_ENDPOINT_URL_DYNAMODB points it at a local server.
  return DynamoDBDocumentClient.from(dynamoDb ?? createDynamoDbClient());
}

/** The composition root: validates config, builds the one DynamoDB client and every adapter. */
export function buildApp(env: Record<string, string | undefined>, overrides: AppOverrides = {}): WebhookApp {
  const config = parseConfig(env);
  const { logger, metrics } = createTelemetry();
  const clock = overrides.clock ?? systemClock;
  const secrets = secretsProvider(config.secrets, clock.now);
  const documentClient = documentClientFor(overrides.dynamoDb);
  return {
    config,
    secrets,
    deps: {
      claims: new DynamoDbClaimStore(documentClient, config.tableName, clock.now),
      replies: graphReplySender({
        baseUrl: config.graphBaseUrl,
        version: config.graphVersion,
        ...graphCredentials(secrets),
        ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
      }),
      bot: overrides.bot ?? configuredBot(config.bot, secrets, overrides.fetch),
      clock,
      newOwner: randomUUID,
      pace: ownerPace(),
      observer: protocolLog(logger, metrics),
      tuning: config.protocol,
    },
    forward: config.forwardUrl === undefined ? undefined : forwarder(config.forwardUrl, overrides.fetch),
    logger,
    metrics,
  };
}
