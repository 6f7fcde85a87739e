import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbClaimStore } from '../adapters/dynamodb-claim-store';
import { graphReplySender } from '../adapters/graph-reply-sender';
import { createSqsClient } from '../adapters/sqs-client';
import { sqsRedriveQueue } from '../adapters/sqs-redrive-queue';
import { configuredBot } from '../bots/configured-bot';
import { parseWorkerConfig, type WorkerConfig } from '../config/config';
import { graphCredentials, secretsProvider } from '../config/secrets';
import type { WorkerDeps } from '../domain/deliver-queued';
import { ownerPace } from '../domain/owner-pace';
import type { Bot, Clock, RedriveQueue } from '../domain/ports';
import { pacedReplies, tokenBucketPacer } from '../domain/send-pacer';
import { protocolLog } from '../observability/protocol-log';
import { createTelemetry } from '../observability/telemetry';
import { documentClientFor, systemClock } from './build-app';

/** Everything the worker and redrive functions need, built once at cold start. */
export interface WorkerApp {
  config: WorkerConfig;
  deps: WorkerDeps;
  logger: Logger;
  metrics: Metrics;
}

export interface WorkerOverrides {
  bot?: Bot;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  dynamoDb?: DynamoDBClient;
  /** Replaces the SQS queue (tests, local runs). */
  redrive?: RedriveQueue;
}

/** The worker's composition root: the webhook's adapters plus the re-drive queue and the send pace. */
export function buildWorker(
  env: Record<string, string | undefined>,
  overrides: WorkerOverrides = {},
): WorkerApp {
  const config = parseWorkerConfig(env);
  const { logger, metrics } = createTelemetry();
  const clock = overrides.clock ?? systemClock;
  const secrets = secretsProvider(config.secrets, clock.now);
  const graph = graphReplySender({
    baseUrl: config.graphBaseUrl,
    version: config.graphVersion,
    ...graphCredentials(secrets),
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
  });
  return {
    config,
    deps: {
      claims: new DynamoDbClaimStore(documentClientFor(overrides.dynamoDb), config.tableName, clock.now),
      replies: pacedReplies(graph, tokenBucketPacer(config.sendRatePerSecond), clock),
      // No explicit endpoint here either: AWS_ENDPOINT_URL_SQS points it at a local server.
      redrive: overrides.redrive ?? sqsRedriveQueue(createSqsClient(), config.redriveQueueUrl),
      bot: overrides.bot ?? configuredBot(config.bot, secrets, overrides.fetch),
      clock,
      newOwner: randomUUID,
      pace: ownerPace(),
      observer: protocolLog(logger, metrics),
      tuning: config.protocol,
    },
    logger,
    metrics,
  };
}
