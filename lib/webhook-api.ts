import { Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, type HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { WEBHOOK_PATH } from './identifiers';
import type { StageNames } from './stage-names';

export interface WebhookApiProps {
  handler: IFunction;
  stageName: string;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  logRetentionDays: RetentionDays;
  names: StageNames;
}

/**
 * An HTTP API (payload 2.0) with exactly two routes to the function, a throttled stage and JSON access
 * logs. Access logs leave out the query string: the handshake GET carries the verify token there.
 */
export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly callbackUrl: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', {
      description: 'WhatsApp Cloud API webhook (whatsapp-once)',
      createDefaultStage: false,
    });
    const routes = this.api.addRoutes({
      path: WEBHOOK_PATH,
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('Webhook', props.handler),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'Meta calls the webhook without credentials an authorizer could check. The function authenticates every POST by the X-Hub-Signature-256 HMAC of the raw body before reading it, and answers the GET handshake only for the right verify token.',
      });
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays,
      ...props.names.logGroup('api-access'),
    });
    this.stage = this.api.addStage('Stage', {
      stageName: props.stageName,
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            sourceIp: AccessLogField.contextIdentitySourceIp(),
            routeKey: AccessLogField.contextRouteKey(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            responseLatency: AccessLogField.contextResponseLatency(),
            integrationStatus: AccessLogField.contextIntegrationStatus(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
          }),
        ),
      },
    });
    const stagePath = props.stageName === '$default' ? '' : `/${props.stageName}`;
    this.callbackUrl = `${this.api.apiEndpoint}${stagePath}${WEBHOOK_PATH}`;
  }
}
