import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CredentialObserver } from '../http/credential-checks';
import { METRIC } from './metric-names';

/**
 * Log lines and metrics of the credential checks. Only key names are logged (`appSecret`), never a
 * value. A placeholder is an operator's job, so it is an error with its own metric, not a rejection.
 */
export function credentialLog(logger: Logger, metrics: Metrics): CredentialObserver {
  return {
    signatureRejected(check) {
      logger.warn('Webhook signature rejected', { reason: check });
      metrics.addMetric(METRIC.signatureRejections, MetricUnit.Count, 1);
    },
    notConfigured(request, placeholders) {
      logger.error('WhatsApp secret not configured: request refused', {
        request,
        placeholders,
        action: 'put the real values into the secret (docs/OPERATIONS.md, "Fill the secret")',
      });
      metrics.addMetric(METRIC.secretNotConfigured, MetricUnit.Count, 1);
    },
    secretRefreshed(trigger, refresh) {
      if (refresh.kind === 'refreshed') {
        logger.info('WhatsApp secret read again', { trigger, changed: refresh.changed });
      } else {
        logger.debug('WhatsApp secret not read again', { trigger, reason: refresh.kind });
      }
    },
  };
}
