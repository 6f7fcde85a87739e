import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { DuplicateReason } from '../lambda/domain/ports';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/observability/metric-names';
import type { ReplyFailureClass } from '../lambda/observability/reply-failure-class';

/** The window every alarm and graph uses: long enough to smooth single deliveries, short enough to page. */
export const PERIOD = Duration.minutes(5);

export type { ReplyFailureClass };

/** Exhaustive over the domain's types, so a renamed reason or class fails typecheck here. */
export const DUPLICATE_REASONS: Record<DuplicateReason, string> = {
  'already-processed': 'already processed',
  'in-flight': 'in flight',
  'same-batch': 'same delivery',
};
export const REPLY_FAILURE_CLASSES: Record<ReplyFailureClass, string> = {
  retryable: 'retryable',
  permanent: 'permanent',
  ambiguous: 'ambiguous',
  async: 'failed after accept',
  'user-caused': 'user-caused (not paged)',
};

type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * A Powertools EMF metric. Powertools always adds the `service` dimension, and a single metric with an
 * extra dimension (reason, class) is a different CloudWatch metric, so the exact set must be named.
 */
export function serviceMetric(
  name: MetricName,
  options: { dimension?: [string, string]; label?: string } = {},
): Metric {
  const [key, value] = options.dimension ?? [];
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME, ...(key && value ? { [key]: value } : {}) },
    statistic: 'Sum',
    period: PERIOD,
    ...(options.label ? { label: options.label } : {}),
  });
}

export const duplicatesSuppressed = (reason: DuplicateReason) =>
  serviceMetric(METRIC.duplicatesSuppressed, {
    dimension: ['reason', reason],
    label: `Duplicates (${DUPLICATE_REASONS[reason]})`,
  });

export const replyFailures = (failureClass: ReplyFailureClass) =>
  serviceMetric(METRIC.replyFailures, {
    dimension: ['class', failureClass],
    label: `Reply failures (${REPLY_FAILURE_CLASSES[failureClass]})`,
  });
