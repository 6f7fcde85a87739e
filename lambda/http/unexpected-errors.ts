import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { toResponse } from './responses';

/** Anything that escaped the router becomes a logged, generic 500: Meta will deliver again. */
export function unexpectedErrors(
  logger: Logger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const error = request.error;
      logger.error('Unhandled error', {
        error: error instanceof Error ? { name: error.name, message: error.message } : 'unknown',
      });
      request.response = toResponse({ kind: 'internal-error' });
    },
  };
}
