import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebhookAlarms } from './alarms';
import { WebhookDashboard } from './dashboard';
import { DedupTable } from './dedup-table';
import type { StackSettings } from './settings';
import { WebhookApi } from './webhook-api';
import { WebhookFunction } from './webhook-function';
import { WhatsappSecret } from './whatsapp-secret';

export interface WhatsappOnceStackProps extends StackProps {
  settings: StackSettings;
}

/** Composes the service: dedup table, secret, webhook function, HTTP API, alarms and dashboard. */
export class WhatsappOnceStack extends Stack {
  constructor(scope: Construct, id: string, props: WhatsappOnceStackProps) {
    super(scope, id, props);
    const { settings } = props;

    const { table } = new DedupTable(this, 'DedupTable');
    const secret = new WhatsappSecret(this, 'WhatsappSecret', { existingSecretName: settings.secretName });
    const webhook = new WebhookFunction(this, 'Webhook', {
      table,
      secret: secret.secret,
      secretId: secret.secretId,
      settings,
    });
    const api = new WebhookApi(this, 'Api', {
      handler: webhook.function,
      stageName: settings.stageName,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      logRetentionDays: settings.logRetentionDays,
    });
    const alarms = new WebhookAlarms(this, 'Alarms', {
      function: webhook.function,
      stage: api.stage,
      alarmEmail: settings.alarmEmail,
    });
    const dashboard = new WebhookDashboard(this, 'Dashboard', {
      function: webhook.function,
      stage: api.stage,
      alarms: alarms.alarms,
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
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
  }
}
