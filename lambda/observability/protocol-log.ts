import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MessageKey } from '../domain/messages';
import type { DuplicateReason, ProtocolObserver, QueueObserver } from '../domain/ports';
import { METRIC } from './metric-names';
import { asyncFailureClass, replyFailureClass } from './reply-failure-class';

const DUPLICATE_LOG: Record<DuplicateReason, string> = {
  'already-processed': 'Duplicate Message Detected - Already Processed',
  'in-flight': 'Duplicate Message Detected - Currently Being Processed',
  'same-batch': 'Duplicate Message Detected - Repeated In The Same Delivery',
};

/** Fields every message log line carries. Phone numbers and message text never appear here. */
const ids = (key: MessageKey) => ({ message_id: key.messageId, tenant_id: key.tenantId });

/** Turns the claim protocol's domain events into Powertools log lines and EMF metrics. */
export function protocolLog(logger: Logger, metrics: Metrics): ProtocolObserver & QueueObserver {
  const count = (name: string, dimension?: [string, string]) => {
    if (dimension === undefined) {
      metrics.addMetric(name, MetricUnit.Count, 1);
      return;
    }
    const single = metrics.singleMetric();
    single.addDimension(...dimension);
    single.addMetric(name, MetricUnit.Count, 1);
  };

  return {
    claimed(key, attempt, replaced) {
      const fields = { ...ids(key), attempt, outcome: 'claimed', replaced_state: replaced };
      // A first claim is the common case (MessagesClaimed counts it); a takeover is worth a line.
      if (replaced === undefined) logger.debug('Message claimed', fields);
      else logger.info('Message claimed', fields);
      count(METRIC.messagesClaimed);
      if (replaced !== undefined) count(METRIC.claimTakeovers, ['replaced', replaced]);
    },
    duplicate(key, reason) {
      logger.warn(DUPLICATE_LOG[reason], { ...ids(key), outcome: 'duplicate', reason });
      count(METRIC.duplicatesSuppressed, ['reason', reason]);
    },
    inFlightWaitEnded(key, outcome) {
      // The copy already logged its duplicate line; how its wait ended is for tracing.
      logger.debug('In-flight wait ended', { ...ids(key), outcome });
    },
    replySent(key, attempt) {
      // The common case, counted by RepliesSent: one INFO line per message would be most of the
      // log bill. Failures, takeovers and duplicates keep their lines.
      logger.debug('Reply sent', { ...ids(key), attempt, outcome: 'replied' });
      count(METRIC.repliesSent);
    },
    replyFailed(key, result, willRetry) {
      const fields = {
        ...ids(key),
        outcome: `reply-${result.kind}`,
        detail: result.detail,
        will_retry: willRetry,
      };
      if (result.kind === 'retryable' && willRetry) logger.warn('Reply failed, retrying', fields);
      else logger.error('Reply failed', { ...fields, code: 'code' in result ? result.code : undefined });
      count(METRIC.replyFailures, ['class', replyFailureClass(key, result)]);
      if (result.kind === 'ambiguous') count(METRIC.ambiguousSends);
    },
    settleWrite(key, write, result) {
      if (result === 'written') {
        logger.debug('Claim settled', { ...ids(key), write });
        return;
      }
      logger.error('Fenced write refused: the message was taken over or settled meanwhile', {
        ...ids(key),
        write,
      });
      count(METRIC.fencedWritesRefused, ['write', write]);
    },
    storeError(key, operation, error) {
      logger.error('Claim store error', { ...ids(key), operation, error: describe(error) });
      // The total (service dimension only) feeds the alarm; the per-operation count says where.
      count(METRIC.claimStoreErrors);
      count(METRIC.claimStoreErrors, ['operation', operation]);
    },
    skipped(key, reason) {
      logger.info('Message not answered', { ...ids(key), outcome: 'skipped', reason });
    },
    statusReconciled(key, status) {
      logger.warn('Reply confirmed by status webhook', {
        ...ids(key),
        status: status.status,
        outcome: 'reconciled',
      });
      count(METRIC.ambiguousSendsReconciled);
    },
    doubleReply(key, attempts) {
      logger.error('Double reply: a status proves a second reply reached the user', {
        ...ids(key),
        confirmed_attempt: attempts.confirmedAttempt,
        settled_attempt: attempts.settledAttempt,
      });
      count(METRIC.doubleReplies);
    },
    asyncReplyFailure(key, status) {
      logger.error('Reply failed after Graph accepted it', { ...ids(key), codes: status.errorCodes });
      count(METRIC.replyFailures, ['class', asyncFailureClass(key, status.errorCodes)]);
    },
    leaseTaken(key, attempt) {
      // The queued common case, counted by LeasesTaken: like a first claim, a line for tracing only.
      logger.debug('Worker lease taken', { ...ids(key), attempt });
      count(METRIC.leasesTaken);
    },
    leaseLost(key, observedAttempt, current) {
      logger.info('Worker lease refused', {
        ...ids(key),
        observed_attempt: observedAttempt,
        current_state: current,
      });
      count(METRIC.leasesLost);
    },
    redriveScheduled(key, observedAttempt, delaySeconds, reason) {
      logger.info('Re-drive scheduled', {
        ...ids(key),
        observed_attempt: observedAttempt,
        delay_seconds: delaySeconds,
        reason,
      });
      count(METRIC.redrivesScheduled, ['reason', reason]);
    },
    redriveFailed(key, error) {
      logger.error('Re-drive could not be scheduled; the trigger will be retried', {
        ...ids(key),
        error: describe(error instanceof Error && error.cause !== undefined ? error.cause : error),
      });
      count(METRIC.redriveFailures);
    },
    windowClosed(key) {
      logger.error('Reply window closed before a reply could be sent', {
        ...ids(key),
        outcome: 'window-closed',
      });
      count(METRIC.windowClosed);
    },
    staleComposed(key, ageSeconds) {
      // The bot was told (context.stale); the default bot apologises for the delay.
      logger.info('Stale message composed', { ...ids(key), age_seconds: ageSeconds, outcome: 'stale' });
      count(METRIC.staleComposed);
    },
    readReceipt(key, result, typing) {
      if (result === 'ok') {
        logger.debug('Message marked read', { ...ids(key), typing });
        return;
      }
      // A courtesy: the reply goes on without it, and it is not sent again.
      logger.warn('Mark as read failed', { ...ids(key), typing, outcome: 'read-receipt-failed' });
      count(METRIC.readReceiptsFailed);
    },
    triggerRejected(reason) {
      logger.error('Worker trigger rejected', { reason });
      count(METRIC.triggersRejected);
    },
    valueError(error) {
      logger.error('Webhook carried an error', {
        tenant_id: error.tenantId,
        code: error.code,
        title: error.title,
      });
      count(METRIC.webhookErrors);
    },
  };
}

/** Error name and message only: SDK errors can be large, and nothing here needs their payload. */
function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'unknown', message: '' };
}
