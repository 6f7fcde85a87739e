import { Stack } from 'aws-cdk-lib';
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

export interface WebhookAlarmsProps {
  function: IFunction;
  stage: HttpStage;
  queued: QueuedReplyParts;
  alarmEmail: string | undefined;
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
 * One alarm per way the service can fail its users, all notifying one SNS topic (with an e-mail
 * subscription when `alarmEmail` is set). Missing data is healthy: no traffic, no failures.
 */
export class WebhookAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: WebhookAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: `${Stack.of(this).stackName} alarms`,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

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
    this.add('SignatureRejections', {
      metric: serviceMetric(METRIC.signatureRejections),
      description:
        'Webhooks failed the X-Hub-Signature-256 check: a wrong appSecret in the secret, or forged traffic.',
    });
    this.add('ReplyFailures', {
      metric: new MathExpression({
        expression: 'FILL(permanent, 0) + FILL(failedAfterAccept, 0)',
        usingMetrics: { permanent: replyFailures('permanent'), failedAfterAccept: replyFailures('async') },
        period: PERIOD,
        label: 'Replies that will never reach the user',
      }),
      description:
        'Replies Meta refused for good or failed after accepting (token, 24 h window, undeliverable). Retryable failures show up as 5xx instead.',
    });
    this.add('AmbiguousSends', {
      metric: serviceMetric(METRIC.ambiguousSends),
      description:
        'A Graph send timed out after the request may have left: the user may have no reply, or one reply confirmed late.',
    });
    this.add('DoubleReplies', {
      metric: serviceMetric(METRIC.doubleReplies),
      description:
        'A user got two replies: a status confirmed an ambiguous send only after a later attempt resent (the one accepted exception).',
    });
    this.addQueued(props.queued);
  }

  private addQueued({ worker, redrive, streamDeadLetters, redriveDeadLetters }: QueuedReplyParts) {
    this.add('WorkerIteratorAge', {
      metric: worker.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' }),
      threshold: ITERATOR_AGE_ALARM_MS,
      description: `The worker is more than ${ITERATOR_AGE_ALARM_MS / 1000} s behind the table stream: queued replies are late (worker failing, throttled or too slow).`,
    });
    this.add('ReplyWindowClosed', {
      metric: serviceMetric(METRIC.windowClosed),
      description:
        "A queued message reached the worker after the user's 24 h customer-service window: it stays unanswered (a backlog, or Graph down for hours).",
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
        'Stream records the worker could not process within its retries or record age: those messages are unanswered. Replay the shard range named in the message (runbook in docs/PROTOCOL.md).',
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
