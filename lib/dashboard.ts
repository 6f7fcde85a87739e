import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { AlarmStatusWidget, Dashboard, GraphWidget, type IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DuplicateReason } from '../lambda/domain/ports';
import { METRIC } from '../lambda/observability/metric-names';
import type { QueuedReplyParts } from './alarms';
import {
  DUPLICATE_REASONS,
  duplicatesSuppressed,
  PERIOD,
  REPLY_FAILURE_CLASSES,
  type ReplyFailureClass,
  replyFailures,
  serviceMetric,
} from './service-metrics';
import type { StageNames } from './stage-names';

export interface WebhookDashboardProps {
  function: IFunction;
  stage: HttpStage;
  queued: QueuedReplyParts & { redriveQueue: IQueue };
  alarms: IAlarm[];
  names: StageNames;
}

const WIDTH = 12;
const HEIGHT = 6;

/** The exactly-once story on one page: replies sent against duplicates suppressed, then the plumbing. */
export class WebhookDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: WebhookDashboardProps) {
    super(scope, id);
    const reasons = Object.keys(DUPLICATE_REASONS).filter(isDuplicateReason);
    const classes = Object.keys(REPLY_FAILURE_CLASSES).filter(isFailureClass);
    this.dashboard = new Dashboard(this, 'Dashboard', props.names.optional('dashboardName', 'dashboard'));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Replies sent vs duplicates suppressed',
        width: WIDTH,
        height: HEIGHT,
        left: [serviceMetric(METRIC.repliesSent, { label: 'Replies sent' })],
        right: reasons.map(duplicatesSuppressed),
        stacked: false,
      }),
      new GraphWidget({
        title: 'Webhooks in',
        width: WIDTH,
        height: HEIGHT,
        left: [
          serviceMetric(METRIC.messagesClaimed, { label: 'Messages claimed' }),
          serviceMetric(METRIC.signatureRejections, { label: 'Signature rejections' }),
        ],
        right: [
          serviceMetric(METRIC.secretNotConfigured, { label: 'Secret not configured' }),
          serviceMetric(METRIC.claimStoreErrors, { label: 'Claim store errors' }),
        ],
      }),
      new GraphWidget({
        title: 'Reply failures and ambiguous sends',
        width: WIDTH,
        height: HEIGHT,
        left: classes.filter((failureClass) => failureClass !== 'user-caused').map(replyFailures),
        right: [
          serviceMetric(METRIC.ambiguousSends, { label: 'Ambiguous sends' }),
          serviceMetric(METRIC.ambiguousSendsReconciled, { label: 'Confirmed by status' }),
          serviceMetric(METRIC.doubleReplies, { label: 'Double replies' }),
        ],
      }),
      // Shown, never paged: nothing an operator does brings these replies back.
      new GraphWidget({
        title: 'User-caused outcomes (no alarm)',
        width: WIDTH,
        height: HEIGHT,
        left: [replyFailures('user-caused')],
      }),
      lateMessagesWidget(),
      new GraphWidget({
        title: 'HTTP API',
        width: WIDTH,
        height: HEIGHT,
        left: [
          props.stage.metricCount({ period: PERIOD, statistic: 'Sum', label: 'Requests' }),
          props.stage.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
          props.stage.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
        ],
        right: [props.stage.metricLatency({ period: PERIOD, statistic: 'p99', label: 'Latency p99' })],
      }),
      new GraphWidget({
        title: 'Webhook function',
        width: WIDTH,
        height: HEIGHT,
        left: [
          props.function.metricInvocations({ period: PERIOD, statistic: 'Sum' }),
          props.function.metricErrors({ period: PERIOD, statistic: 'Sum' }),
          props.function.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        ],
        right: [props.function.metricDuration({ period: PERIOD, statistic: 'p99', label: 'Duration p99' })],
      }),
      ...queuedWidgets(props.queued),
      new AlarmStatusWidget({ title: 'Alarms', width: WIDTH, height: HEIGHT, alarms: props.alarms }),
    );
  }
}

/**
 * Late messages, in either reply mode (the owner judges them, inline or in the worker): past the
 * 24 h window nothing free-form is sent; a stale one is answered with the bot told. A backlog of ours
 * behind them has paged already (iterator age, send failures, dead letters): these are not paged.
 */
function lateMessagesWidget(): GraphWidget {
  return new GraphWidget({
    title: 'Late messages and read receipts, both reply modes (no alarm)',
    width: WIDTH,
    height: HEIGHT,
    left: [
      serviceMetric(METRIC.windowClosed, { label: 'Past the 24 h window: no reply sent' }),
      serviceMetric(METRIC.staleComposed, { label: 'Stale: answered late, the bot told' }),
    ],
    right: [serviceMetric(METRIC.readReceiptsFailed, { label: 'Read receipts failed' })],
  });
}

/** Queued mode: how far the worker lags the stream, and what waits for a re-drive or an operator. */
function queuedWidgets(queued: WebhookDashboardProps['queued']): GraphWidget[] {
  const sum = { period: PERIOD, statistic: 'Sum' };
  const max = { period: PERIOD, statistic: 'Maximum' };
  return [
    new GraphWidget({
      title: 'Queued replies: stream worker',
      width: WIDTH,
      height: HEIGHT,
      left: [
        queued.worker.metricInvocations(sum),
        queued.worker.metricErrors(sum),
        queued.worker.metricThrottles(sum),
      ],
      right: [
        queued.worker.metric('IteratorAge', { ...max, label: 'Iterator age (ms)' }),
        serviceMetric(METRIC.leasesTaken, { label: 'Leases taken' }),
        serviceMetric(METRIC.leasesLost, { label: 'Leases lost' }),
      ],
    }),
    new GraphWidget({
      title: 'Queued replies: re-drives and dead letters',
      width: WIDTH,
      height: HEIGHT,
      left: [
        serviceMetric(METRIC.redrivesScheduled, { label: 'Re-drives enqueued' }),
        serviceMetric(METRIC.redriveFailures, { label: 'Re-drives that failed to enqueue' }),
        queued.redrive.metricInvocations({ ...sum, label: 'Redrive invocations' }),
        queued.redrive.metricErrors({ ...sum, label: 'Redrive errors' }),
      ],
      right: [
        queued.redriveQueue.metric('ApproximateNumberOfMessagesDelayed', {
          ...max,
          label: 'Re-drives waiting',
        }),
        queued.redriveQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'Re-drives due' }),
        queued.streamDeadLetters.metricApproximateNumberOfMessagesVisible({
          ...max,
          label: 'Stream dead letters',
        }),
        queued.redriveDeadLetters.metricApproximateNumberOfMessagesVisible({
          ...max,
          label: 'Re-drive dead letters',
        }),
      ],
    }),
  ];
}

const isDuplicateReason = (value: string): value is DuplicateReason => value in DUPLICATE_REASONS;
const isFailureClass = (value: string): value is ReplyFailureClass => value in REPLY_FAILURE_CLASSES;
