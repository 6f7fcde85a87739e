import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * Per-invocation logging and metrics context, kept to what CloudWatch does not already know. Every
 * line carries the request id (to find one invocation's lines); the function's name, ARN and memory,
 * which Powertools' `injectLambdaContext` adds to every line, are the log group's own and cost
 * ~180 bytes a line. Metrics are flushed as one EMF line only when the invocation recorded some:
 * a status webhook that settles nothing prints nothing, where `logMetrics` would print a warning.
 */
export function requestTelemetry<Event, Result>(
  logger: Logger,
  metrics: Metrics,
): MiddlewareObj<Event, Result, Error, Context> {
  const after = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    logger.resetKeys();
  };
  return {
    before: ({ context }) => {
      logger.appendKeys({ function_request_id: context.awsRequestId });
      metrics.captureColdStartMetric(context.functionName);
    },
    after,
    onError: after,
  };
}
