import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

/**
 * Why these numbers: SendMessage answers within tens of milliseconds, so a request that has not
 * connected within 1 s, or not answered within 2 s, is stalled rather than slow. The SDK then retries
 * on a fresh connection, 3 attempts in all (its default, stated because the bound depends on it). One
 * re-drive so ends within REDRIVE_CALL_BOUND_MS with a TimeoutError, which the queue adapter turns
 * into a RedriveError: the worker reports the record failed and the stream (or SQS) retries it,
 * instead of the invocation hanging until Lambda kills it (60 s by default) with the whole batch.
 */
export const SQS_TIMEOUTS = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 3,
  /** The SDK's jittered backoff between attempts: well under this for two retries. */
  backoffAllowanceMs: 500,
} as const;

/** The longest one SendMessage can take against a server that accepts and never answers. */
export const REDRIVE_CALL_BOUND_MS =
  SQS_TIMEOUTS.maxAttempts * SQS_TIMEOUTS.requestTimeoutMs + SQS_TIMEOUTS.backoffAllowanceMs;

/** The one SQS client of a container, with bounded I/O. `config` adds an endpoint or region. */
export function createSqsClient(config: SQSClientConfig = {}): SQSClient {
  return new SQSClient({
    maxAttempts: SQS_TIMEOUTS.maxAttempts,
    requestHandler: {
      connectionTimeout: SQS_TIMEOUTS.connectionTimeoutMs,
      // The whole request, from send to the last byte of the answer; without the flag the SDK only warns.
      requestTimeout: SQS_TIMEOUTS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...config,
  });
}
