import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metric-names';

/** One logger and one metrics object per container; Powertools env vars (log level...) still apply. */
export function createTelemetry(): { logger: Logger; metrics: Metrics } {
  return {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  };
}
