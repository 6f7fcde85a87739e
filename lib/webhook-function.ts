import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV } from '../lambda/config/env-names';
import { FUNCTION_LOGICAL_ID } from './identifiers';
import { ServiceFunction } from './service-function';
import type { StackSettings } from './settings';

/**
 * The only item operations the claim store sends: claim (Put), settle and confirm (Update), read (Get).
 * Nothing deletes: records leave by TTL, so DeleteItem is not granted.
 */
export const TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

export interface WebhookFunctionProps {
  table: ITable;
  secret: ISecret;
  secretId: string;
  settings: StackSettings;
}

/**
 * The webhook Lambda behind the HTTP API, in both reply modes: `-c replyMode` sets only its REPLY_MODE,
 * so switching modes on a live stack changes one variable and nothing that holds a message.
 */
export class WebhookFunction extends ServiceFunction {
  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    const { settings } = props;
    super(scope, id, {
      ...props,
      entry: 'webhook',
      logicalId: FUNCTION_LOGICAL_ID,
      description: 'Answers each WhatsApp user message exactly once',
      roleDescription: 'whatsapp-once webhook: its log group, its dedup table items, its secret',
      // Below API Gateway's 30 s limit: the lease is derived from this deadline, so the handler (not a
      // gateway timeout) decides every answer Meta gets, 200 or a deliberate 5xx.
      timeoutSeconds: settings.timeoutSeconds,
      tableActions: TABLE_ACTIONS,
      reservedConcurrency: settings.reservedConcurrency,
      environment: {
        [ENV.replyMode]: settings.replyMode,
        [ENV.inFlightWaitMs]: String(settings.inFlightWaitMs),
      },
    });
  }
}
