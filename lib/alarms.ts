import { Annotations, Stack } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC } from '../lambda/observability/metric-names';
import { PERIOD, replyFailures, serviceMetric } from './service-metrics';
import type { StageNames } from './stage-names';

export interface WebhookAlarmsProps {
  function: IFunction;
  stage: HttpStage;
  queued: QueuedReplyParts;
  alarmEmail: string | undefined;
  names: StageNames;
}

/** The queued-mode resources an operator must hear about; deployed, and so watched, in both modes. */
export interface QueuedReplyParts {
  worker: IFunction;
  redrive: IFunction;
  streamDeadLetters: IQueue;
  redriveDeadLetters: IQueue;
}

/** The handler answers 5xx on purpose when Meta must retry; a sustained share of them is not normal. */
const SERVER_ERROR_PERCENT = 5;
/** Queued replies wait about one stream poll plus the bot; a record a minute old is a stuck or slow worker. */
export const ITERATOR_AGE_ALARM_MS = 60_000;

/**
 * Thresholds of the alarms fed by the service's own metrics; docs/OPERATIONS.md ("Alarms") gives the
 * reason for each number. No alarm reads a user-caused outcome (ReplyFailures class `user-caused`,
 * ReplyWindowClosed): those are graphed on the dashboard only.
 */
export const ALARM_THRESHOLDS = {
  /** Percent of API requests that failed the signature check, once at least `signatureRejectionsMin` did. */
  signatureRejectionPercent: 50,
  signatureRejectionsMin: 5,
  /** Percent of Graph sends that failed retryably or ambiguously, once at least `sendFailuresMin` did. */
  sendFailurePercent: 10,
  sendFailuresMin: 5,
  /** Store requests that failed after the SDK's own retries, in one period. */
  claimStoreErrors: 5,
  /** Replies refused for good for a reason of ours (token, parameters, permissions), in one period. */
  replyFailures: 2,
} as const;

/** The id of the synth warning shown while no one is subscribed to the alarm topic. */
export const NO_SUBSCRIBER_WARNING = 'whatsapp-once:no-alarm-subscriber';

/**
 * One alarm per way the service fails its users, all notifying one SNS topic (with an e-mail
 * subscription when `alarmEmail` is set). Missing data is healthy: no traffic, no failures.
 */
export class WebhookAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  private readonly names: StageNames;

  constructor(scope: Construct, id: string, props: WebhookAlarmsProps) {
    super(scope, id);
    this.names = props.names;
    this.topic = new Topic(this, 'Topic', {
      displayName: `${Stack.of(this).stackName} alarms`,
      enforceSSL: true,
      ...props.names.optional('topicName', 'alarms'),
    });
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    } else {
      Annotations.of(this).addWarningV2(
        NO_SUBSCRIBER_WARNING,
        'No alarm subscriber: the alarm topic has no subscription, so an alarm notifies nobody. Deploy with -c alarmEmail=you@example.com, or subscribe to the AlarmTopicArn output yourself.',
      );
    }

    const requests = props.stage.metricCount({ period: PERIOD, statistic: 'Sum' });
    const serverErrors = props.stage.metricServerError({ period: PERIOD, statistic: 'Sum' });
    this.add('ServerErrorRate', {
      metric: new MathExpression({
        expression: 'IF(requests > 0, 100 * FILL(serverErrors, 0) / requests, 0)',
        usingMetrics: { requests, serverErrors },
        period: PERIOD,
        label: 'API 5xx (%)',
      }),
      threshold: SERVER_ERROR_PERCENT,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `More than ${SERVER_ERROR_PERCENT}% of webhook deliveries answered 5xx in 2 of 3 periods: Meta is retrying them.`,
    });
    this.add('FunctionErrors', {
      metric: props.function.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      description:
        'The webhook function crashed or timed out (the handler answers every expected failure itself).',
    });
    this.add('FunctionThrottles', {
      metric: props.function.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      description: 'Lambda throttled the webhook function: raise reserved concurrency or the account limit.',
    });
    this.addServiceAlarms(requests);
    this.addQueued(props.queued);
  }

  /** Alarms on the service's own EMF metrics: system faults only, each above a rate or a count. */
  private addServiceAlarms(requests: IMetric) {
    const t = ALARM_THRESHOLDS;
    this.add('SecretNotConfigured', {
      metric: serviceMetric(METRIC.secretNotConfigured),
      description:
        'A request was refused because the WhatsApp secret still holds REPLACE_ME: fill it (docs/OPERATIONS.md, "Fill the secret").',
    });
    this.add('SignatureRejections', {
      metric: new MathExpression({
        expression: `IF(FILL(rejected, 0) >= ${t.signatureRejectionsMin} AND requests > 0, 100 * FILL(rejected, 0) / requests, 0)`,
        usingMetrics: { rejected: serviceMetric(METRIC.signatureRejections), requests },
        period: PERIOD,
        label: 'Signature rejections (% of requests)',
      }),
      threshold: t.signatureRejectionPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `At least ${t.signatureRejectionPercent}% of requests (and ${t.signatureRejectionsMin} or more) failed the X-Hub-Signature-256 check in 2 of 3 periods: the secret's appSecret is not the app's. Scattered forged requests stay below it.`,
    });
    this.add('ClaimStoreErrors', {
      metric: serviceMetric(METRIC.claimStoreErrors),
      threshold: t.claimStoreErrors,
      description: `${t.claimStoreErrors} or more dedup-table requests failed after the SDK's retries in a period: the table is throttled or unreachable (webhooks answered 5xx, queued replies re-driven).`,
    });
    const sendFailures = new MathExpression({
      expression: 'FILL(retryable, 0) + FILL(ambiguous, 0)',
      usingMetrics: { retryable: replyFailures('retryable'), ambiguous: replyFailures('ambiguous') },
      period: PERIOD,
    });
    this.add('SendFailureRate', {
      metric: new MathExpression({
        expression: `IF(failed >= ${t.sendFailuresMin}, 100 * failed / (failed + FILL(sent, 0)), 0)`,
        usingMetrics: { failed: sendFailures, sent: serviceMetric(METRIC.repliesSent) },
        period: PERIOD,
        label: 'Retryable and ambiguous sends (%)',
      }),
      threshold: t.sendFailurePercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `More than ${t.sendFailurePercent}% of Graph sends (and ${t.sendFailuresMin} or more) failed retryably or timed out in 2 of 3 periods: Graph is down, slow or throttling us.`,
    });
    this.add('ReplyFailures', {
      metric: new MathExpression({
        expression: 'FILL(permanent, 0) + FILL(failedAfterAccept, 0)',
        usingMetrics: { permanent: replyFailures('permanent'), failedAfterAccept: replyFailures('async') },
        period: PERIOD,
        label: 'Replies refused for a reason of ours',
      }),
      threshold: t.replyFailures,
      description: `${t.replyFailures} or more replies in a period that Graph refused for good for a reason of ours (token, parameters, permissions). User-caused refusals (window closed, blocked, Test sample) are not counted here.`,
    });
    this.add('DoubleReplies', {
      metric: serviceMetric(METRIC.doubleReplies),
      description:
        'A user got two replies: a status confirmed an ambiguous send only after a later attempt resent (the one accepted exception).',
    });
  }

  private addQueued({ worker, redrive, streamDeadLetters, redriveDeadLetters }: QueuedReplyParts) {
    this.add('WorkerIteratorAge', {
      metric: worker.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' }),
      threshold: ITERATOR_AGE_ALARM_MS,
      description: `The worker is more than ${ITERATOR_AGE_ALARM_MS / 1000} s behind the table stream: queued replies are late (worker failing, throttled or too slow).`,
    });
    this.add('RedriveFailures', {
      metric: serviceMetric(METRIC.redriveFailures),
      description:
        'A worker could not enqueue a re-drive (SQS unreachable or refused); the trigger is retried, and the message may end in a dead-letter queue.',
    });
    this.add('WorkerErrors', {
      metric: worker.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      description:
        'The stream worker crashed or timed out; the mapping retries the batch (bisected), and the record may end in the stream dead-letter queue.',
    });
    this.add('RedriveErrors', {
      metric: redrive.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      description:
        'The redrive function crashed or timed out; its messages come back after the visibility timeout, then go to the re-drive dead-letter queue.',
    });
    this.add('StreamDeadLetters', {
      metric: streamDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      description:
        'Stream records the worker could not process within its retries or record age: those messages are unanswered. Replay the shard range named in the message (docs/OPERATIONS.md).',
    });
    this.add('RedriveDeadLetters', {
      metric: redriveDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      description:
        'Re-drives the redrive function failed on 10 receives: those messages are unanswered. Move them back with an SQS dead-letter queue redrive once the cause is fixed.',
    });
  }

  private add(id: string, options: { metric: IMetric; description: string } & Partial<AlarmTuning>) {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold ?? 1,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
      ...this.names.optional('alarmName', id),
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}

interface AlarmTuning {
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}
