import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { WebhookApp } from './app/build-app';
import { routeWebhook } from './app/route-webhook';
import { unexpectedErrors } from './http/unexpected-errors';
import { verifiedBody } from './http/verified-body';
import { credentialLog } from './observability/credential-log';
import { requestTelemetry } from './observability/request-telemetry';

/**
 * The one middy chain. Order: request id for logs and the metrics flush, a catch-all 500, then the
 * signature check on the raw bytes, before the router parses anything.
 */
export function webhookHandler(app: WebhookApp) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(requestTelemetry(app.logger, app.metrics))
    .use(unexpectedErrors(app.logger))
    .use(verifiedBody({ secrets: app.secrets, observer: credentialLog(app.logger, app.metrics) }))
    .handler(routeWebhook(app));
}
