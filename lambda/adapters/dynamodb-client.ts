import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * Why these numbers: DynamoDB answers a single-item request within milliseconds (p99 near 100 ms even
 * in the local storm on a busy 2-core box), so a request that has not connected within 1 s, or not
 * answered within 1.5 s, is stalled rather than slow. The SDK then retries on a fresh connection,
 * 3 attempts in all (its default, stated here because the bound depends on it). One store call so ends
 * within STORE_CALL_BOUND_MS, with a TimeoutError the claim store turns into a ClaimStoreError, and the
 * webhook answers 5xx itself (Meta redelivers) instead of hanging until Lambda kills the invocation.
 * With the stack's defaults a lease lasts up to 23 s (25 s timeout - 2 s safety), well above that
 * bound. A call started late in the lease can still end after it: a settling write is then fenced (it
 * cannot overwrite a taker), and Lambda's deadline ends the invocation in any case.
 */
export const DYNAMODB_TIMEOUTS = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 1_500,
  maxAttempts: 3,
  /** The SDK's jittered backoff between attempts: under 150 ms for two retries today; room to spare. */
  backoffAllowanceMs: 500,
} as const;

/** The longest one store call can take against a server that accepts and never answers. */
export const STORE_CALL_BOUND_MS =
  DYNAMODB_TIMEOUTS.maxAttempts * DYNAMODB_TIMEOUTS.requestTimeoutMs + DYNAMODB_TIMEOUTS.backoffAllowanceMs;

/** The one DynamoDB client of a container, with bounded I/O. `config` adds an endpoint or region. */
export function createDynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: DYNAMODB_TIMEOUTS.maxAttempts,
    requestHandler: {
      connectionTimeout: DYNAMODB_TIMEOUTS.connectionTimeoutMs,
      // The whole request, from send to the last byte of the answer; without the flag the SDK only warns.
      requestTimeout: DYNAMODB_TIMEOUTS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...config,
  });
}
