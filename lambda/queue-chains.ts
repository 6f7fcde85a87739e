import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WorkerApp } from './app/build-worker';
import { routeRedrive, routeStream } from './app/route-queue';

/** Queued mode's two triggers: context for logs and the metrics flush, then the router. */
export function workerHandler(app: WorkerApp) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(injectLambdaContext(app.logger, { resetKeys: true }))
    .use(logMetrics(app.metrics, { captureColdStartMetric: true }))
    .handler(routeStream(app));
}

export function redriveHandler(app: WorkerApp) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(app.logger, { resetKeys: true }))
    .use(logMetrics(app.metrics, { captureColdStartMetric: true }))
    .handler(routeRedrive(app));
}
