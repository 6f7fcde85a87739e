import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WorkerApp } from './app/build-worker';
import { routeRedrive, routeStream } from './app/route-queue';
import { requestTelemetry } from './observability/request-telemetry';

/** Queued mode's two triggers: context for logs and the metrics flush, then the router. */
export function workerHandler(app: WorkerApp) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(requestTelemetry(app.logger, app.metrics))
    .handler(routeStream(app));
}

export function redriveHandler(app: WorkerApp) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(requestTelemetry(app.logger, app.metrics))
    .handler(routeRedrive(app));
}
