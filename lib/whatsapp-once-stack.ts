import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebhookAlarms } from './alarms';
import { WebhookDashboard } from './dashboard';
import { DedupTable } from './dedup-table';
import { RedriveFunction } from './redrive-function';
import { RedriveQueue } from './redrive-queue';
import { ReplyWorker } from './reply-worker';
import type { StackSettings } from './settings';
import { stageNames } from './stage-names';
import { WebhookApi } from './webhook-api';
import { WebhookFunction } from './webhook-function';
import { WhatsappSecret } from './whatsapp-secret';

export interface WhatsappOnceStackProps extends StackProps {
  settings: StackSettings;
}

/**
 * Composes the service: dedup table (with its stream), secret, webhook function, HTTP API, the
 * queued-mode worker and re-drive queue, alarms and dashboard. The queued-mode parts exist in both reply
 * modes: `-c replyMode` changes only the webhook's REPLY_MODE, so a switch strands nothing in flight.
 */
export class WhatsappOnceStack extends Stack {
  constructor(scope: Construct, id: string, props: WhatsappOnceStackProps) {
    super(scope, id, props);
    const { settings } = props;

    const names = stageNames(settings.stage);
    const { table } = new DedupTable(this, 'DedupTable', names);
    const secret = new WhatsappSecret(this, 'WhatsappSecret', {
      existingSecretName: settings.secretName,
      names,
    });
    const webhook = new WebhookFunction(this, 'Webhook', {
      table,
      secret: secret.secret,
      secretId: secret.secretId,
      settings,
    });
    const functionProps = { table, secret: secret.secret, secretId: secret.secretId, settings };
    const redrives = new RedriveQueue(this, 'Redrives', {
      consumerTimeoutSeconds: settings.workerTimeoutSeconds,
      names,
    });
    const worker = new ReplyWorker(this, 'Worker', { ...functionProps, redriveQueue: redrives.queue });
    const redrive = new RedriveFunction(this, 'Redrive', { ...functionProps, redriveQueue: redrives.queue });
    const queued = {
      worker: worker.function,
      redrive: redrive.function,
      streamDeadLetters: worker.streamDeadLetters,
      redriveDeadLetters: redrives.deadLetterQueue,
    };
    const api = new WebhookApi(this, 'Api', {
      handler: webhook.function,
      stageName: settings.stageName,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      logRetentionDays: settings.logRetentionDays,
      names,
    });
    const alarms = new WebhookAlarms(this, 'Alarms', {
      function: webhook.function,
      stage: api.stage,
      queued,
      alarmEmail: settings.alarmEmail,
      names,
    });
    const dashboard = new WebhookDashboard(this, 'Dashboard', {
      function: webhook.function,
      stage: api.stage,
      queued: { ...queued, redriveQueue: redrives.queue },
      alarms: alarms.alarms,
      names,
    });

    new CfnOutput(this, 'CallbackUrl', {
      value: api.callbackUrl,
      description: "Paste into Meta's App Dashboard: WhatsApp > Configuration > Callback URL",
    });
    new CfnOutput(this, 'SecretId', {
      value: secret.secretId,
      description: 'Secrets Manager secret to fill with appSecret and accessToken (verifyToken is generated)',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'ReplyMode', { value: settings.replyMode, description: 'REPLY_MODE of the webhook' });
    new CfnOutput(this, 'RedriveQueueUrl', { value: redrives.queue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
  }
}
