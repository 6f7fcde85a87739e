import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handleDelivery } from '../domain/handle-delivery';
import type { WebhookBatch } from '../domain/messages';
import { type CredentialObserver, checkHandshake } from '../http/credential-checks';
import { walkWebhook } from '../http/payload';
import { headerOf, methodOf } from '../http/request';
import { toResponse, type WebhookAnswer } from '../http/responses';
import { SIGNATURE_HEADER } from '../http/signature';
import { verifiedBodyOf } from '../http/verified-body';
import { credentialLog } from '../observability/credential-log';
import { METRIC } from '../observability/metric-names';
import type { WebhookApp } from './build-app';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Maps an API Gateway event to the handshake or the delivery use case, and the outcome to a response. */
export function routeWebhook(app: WebhookApp) {
  const credentials = credentialLog(app.logger, app.metrics);
  return async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const answer = await answerFor(app, credentials, event, context);
    return toResponse(answer);
  };
}

async function answerFor(
  app: WebhookApp,
  credentials: CredentialObserver,
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<WebhookAnswer> {
  const method = methodOf(event);
  if (method === 'GET') {
    app.metrics.addMetric(METRIC.handshakeRequests, MetricUnit.Count, 1);
    const checked = await checkHandshake(app.secrets, event.rawQueryString ?? '', credentials);
    if (checked.kind === 'not-configured') return checked;
    if (checked.result.kind !== 'verified')
      app.logger.warn('Subscription handshake refused', { reason: checked.result.kind });
    else app.logger.info('Subscription handshake verified');
    return checked;
  }
  if (method !== 'POST') {
    app.logger.warn('Method not allowed', { method });
    return { kind: 'method-not-allowed', method };
  }

  const rawBody = verifiedBodyOf(event);
  if (rawBody === undefined) {
    // Unreachable behind the signature middleware; refuses rather than processing an unverified body.
    app.logger.error('POST reached the router without a verified body');
    return { kind: 'internal-error' };
  }
  // No per-webhook metric: API Gateway's Count already says how many came, at no log cost.

  const json = parseJson(rawBody);
  if (json === undefined) {
    app.logger.warn('Signed body is not valid UTF-8 JSON', { bytes: rawBody.length });
    return { kind: 'not-json' };
  }
  const walked = walkWebhook(json.value);
  if (walked.kind === 'ignored') {
    app.logger.info('Webhook ignored', { reason: walked.reason });
    return walked;
  }
  logBatch(app, walked.batch);

  const deadline = app.deps.clock.now() + remainingMs(app, context);
  const outcome = await handleDelivery(app.deps, {
    batch: walked.batch,
    deadline,
    mode: app.config.replyMode,
  });
  if (app.forward && outcome.hasNewEvents) {
    const forwarded = await app.forward(rawBody, headerOf(event, SIGNATURE_HEADER));
    if (!forwarded.ok) app.logger.warn('Forwarding failed', { detail: forwarded.detail });
  }
  const answer: WebhookAnswer = { kind: 'delivery', outcome };
  // Per-message lines say what happened; this summary of every POST is for tracing only.
  app.logger.debug('Webhook handled', {
    messages: walked.batch.messages.length,
    statuses: walked.batch.statuses.length,
    outcomes: outcome.messages.map((m) => ('reason' in m ? `${m.kind}:${m.reason}` : m.kind)),
    complete: outcome.complete,
  });
  return answer;
}

function parseJson(rawBody: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(strictUtf8.decode(rawBody)) };
  } catch {
    return undefined;
  }
}

function logBatch(app: WebhookApp, batch: WebhookBatch): void {
  if (batch.malformed > 0) {
    app.logger.warn('Webhook items skipped as malformed', { count: batch.malformed });
    app.metrics.addMetric(METRIC.malformedItems, MetricUnit.Count, batch.malformed);
  }
  if (app.config.logMessageContent) {
    for (const message of batch.messages) {
      app.logger.debug('Message content', {
        message_id: message.key.messageId,
        type: message.type,
        text: message.text,
      });
    }
  }
}

function remainingMs(app: WebhookApp, context: Context | undefined): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  return typeof remaining === 'number' && remaining > 0 ? remaining : app.config.defaultRemainingMs;
}
