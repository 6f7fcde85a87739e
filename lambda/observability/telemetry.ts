import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const SERVICE_NAME = 'whatsapp-once';
export const METRICS_NAMESPACE = 'WhatsappOnce';

/** One logger and one metrics object per container; Powertools env vars (log level...) still apply. */
export function createTelemetry(): { logger: Logger; metrics: Metrics } {
  return {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  };
}

/** Metric names, one place: the CDK alarms and dashboard read the same constants. */
export const METRIC = {
  webhooksReceived: 'WebhooksReceived',
  signatureRejections: 'SignatureRejections',
  messagesClaimed: 'MessagesClaimed',
  claimTakeovers: 'ClaimTakeovers',
  duplicatesSuppressed: 'DuplicatesSuppressed',
  repliesSent: 'RepliesSent',
  replyFailures: 'ReplyFailures',
  ambiguousSends: 'AmbiguousSends',
  ambiguousSendsReconciled: 'AmbiguousSendsReconciled',
  fencedWritesRefused: 'FencedWritesRefused',
  claimStoreErrors: 'ClaimStoreErrors',
  webhookErrors: 'WebhookErrors',
  malformedItems: 'MalformedItems',
} as const;
