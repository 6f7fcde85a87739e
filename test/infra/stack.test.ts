import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../lambda/config/config';
import { ENV, SECRET_KEYS } from '../../lambda/config/env-names';
import { TABLE_SCHEMA } from '../../lambda/config/table-schema';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/observability/metric-names';
import { BUNDLING } from '../../lib/bundling';
import { FUNCTION_LOGICAL_ID, LOCAL_INVOKE_VARIABLES, WEBHOOK_PATH } from '../../lib/identifiers';
import { findFunctionAsset } from '../../scripts/invoke-asset';
import { nagReport, type Synthesized, synthesize } from './synth';

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;

let synthesized: Synthesized;
let template: Template;

/** The one resource of a type, with its logical id. */
function only(type: string): [string, Resource] {
  const found = Object.entries(template.findResources(type));
  expect(found.map(([id]) => id)).toHaveLength(1);
  const [entry] = found;
  if (entry === undefined) throw new Error(`no ${type}`);
  return [entry[0], entry[1] as Resource];
}

const functionResource = () =>
  template.findResources('AWS::Lambda::Function')[FUNCTION_LOGICAL_ID] as Resource;
const variables = () =>
  (functionResource().Properties.Environment as { Variables: Record<string, unknown> }).Variables;

beforeAll(() => {
  synthesized = synthesize();
  template = synthesized.template;
});

describe('dedup table', () => {
  it('has the string partition key and TTL attribute the handler writes, and no sort key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    });
  });

  it('is on-demand, with point-in-time recovery, retained on delete and without a physical name', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.Properties).not.toHaveProperty('TableName');
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('webhook function', () => {
  it('runs on nodejs22.x or newer, on arm64', () => {
    const { Runtime, Architectures } = functionResource().Properties;
    const major = Number(/^nodejs(\d+)\.x$/.exec(String(Runtime))?.[1]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(Architectures).toEqual(['arm64']);
  });

  it('is bundled for the node it runs on, so esbuild neither lowers syntax nor emits any the runtime lacks', () => {
    const { Runtime } = functionResource().Properties;
    expect(BUNDLING.target).toBe(String(Runtime).replace(/^nodejs(\d+)\.x$/, 'node$1'));
  });

  it("times out below API Gateway's 30 s, leaving room for the lease safety margin and the duplicate wait", () => {
    const timeoutMs = Number(functionResource().Properties.Timeout) * 1000;
    expect(timeoutMs).toBeLessThan(30_000);
    expect(timeoutMs).toBeGreaterThan(DEFAULTS.leaseSafetyMs + DEFAULTS.inFlightWaitMs);
    expect(variables()[ENV.leaseSafetyMs]).toBe(String(DEFAULTS.leaseSafetyMs));
  });

  it('logs to its own log group with a retention', () => {
    const [logGroupId, logGroup] = Object.entries(template.findResources('AWS::Logs::LogGroup')).find(
      ([id]) => id.startsWith('WebhookLogs'),
    ) ?? ['', { Properties: {} }];
    expect(functionResource().Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    expect((logGroup as Resource).Properties.RetentionInDays).toBe(30);
  });

  it('sets Powertools service, namespace and log level consistently with metric-names.ts, and source maps', () => {
    expect(variables()).toMatchObject({
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('passes only the secret id and the table name, never a credential', () => {
    const [tableId] = only('AWS::DynamoDB::Table');
    const [secretId] = only('AWS::SecretsManager::Secret');
    expect(variables()[ENV.tableName]).toEqual({ Ref: tableId });
    expect(variables()[ENV.secretId]).toEqual({ Ref: secretId });
    for (const name of [ENV.appSecret, ENV.accessToken, ENV.verifyToken]) {
      expect(variables()).not.toHaveProperty(name);
    }
  });

  it('does not declare the sam-local override variables in a deployable template', () => {
    for (const name of LOCAL_INVOKE_VARIABLES) expect(variables()).not.toHaveProperty(name);
  });
});

describe('least privilege', () => {
  const statements = () =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(
        (policy) =>
          (policy as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] },
      )
      .flatMap((document) => document.Statement);

  it('allows exactly the three item actions the claim store sends, on the table ARN only', () => {
    const [tableId] = only('AWS::DynamoDB::Table');
    const dynamo = statements().filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toHaveLength(1);
    expect([dynamo[0]?.Action].flat().sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamo[0]?.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
  });

  it('grants no delete or batch write on any resource: records leave by TTL, nothing deletes', () => {
    const actions = statements().flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    expect(actions.filter((action) => typeof action === 'string' && action.startsWith('dynamodb:*'))).toEqual(
      [],
    );
  });

  it('reads only its own secret, and nothing grants a wildcard resource', () => {
    const [secretId] = only('AWS::SecretsManager::Secret');
    const secrets = statements().filter((s) => JSON.stringify(s.Action).includes('secretsmanager:'));
    expect(secrets).toEqual([
      expect.objectContaining({
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: { Ref: secretId },
      }),
    ]);
    expect(statements().filter((s) => s.Resource === '*')).toEqual([]);
  });

  it('uses its own role without AWS managed policies', () => {
    const [, role] = only('AWS::IAM::Role');
    expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
  });
});

describe('secret', () => {
  it('is created with placeholders and a generated verify token, so no value sits in the template', () => {
    const [, secret] = only('AWS::SecretsManager::Secret');
    expect(secret.Properties).not.toHaveProperty('SecretString');
    const generate = secret.Properties.GenerateSecretString as Record<string, unknown>;
    expect(generate.GenerateStringKey).toBe(SECRET_KEYS.verifyToken);
    expect(Object.keys(JSON.parse(String(generate.SecretStringTemplate))).sort()).toEqual(
      [SECRET_KEYS.accessToken, SECRET_KEYS.appSecret].sort(),
    );
  });
});

describe('HTTP API', () => {
  it('routes GET and POST on the webhook path, and nothing else, to the function', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => (route as Resource).Properties.RouteKey,
    );
    expect(routes.sort()).toEqual([`GET ${WEBHOOK_PATH}`, `POST ${WEBHOOK_PATH}`]);
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [FUNCTION_LOGICAL_ID, 'Arn'] },
    });
  });

  it('throttles the default stage and writes access logs without the query string', () => {
    const [, stage] = only('AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] },
        Format: expect.stringContaining('$context.requestId'),
      },
    });
    const format = String((stage.Properties.AccessLogSettings as { Format: string }).Format);
    expect(format).not.toMatch(/querystring|verify_token/i);
  });

  it('outputs the callback URL on the webhook path', () => {
    const url = JSON.stringify(template.findOutputs('CallbackUrl'));
    expect(url).toContain(`"${WEBHOOK_PATH}"`);
  });
});

describe('alarms and dashboard', () => {
  const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
  const alarmOn = (metricName: string) =>
    alarms().find((alarm) => JSON.stringify(alarm.Properties).includes(`"MetricName":"${metricName}"`));

  it('alarms on 5xx rate, function errors and throttles, signature rejections, reply failures, ambiguous sends and double replies', () => {
    for (const name of [
      '5xx',
      'Errors',
      'Throttles',
      METRIC.signatureRejections,
      METRIC.replyFailures,
      METRIC.ambiguousSends,
      METRIC.doubleReplies,
    ]) {
      expect(alarmOn(name), name).toBeDefined();
    }
    expect(alarms()).toHaveLength(7);
  });

  it('reads custom metrics with the exact namespace and dimensions Powertools emits', () => {
    expect(alarmOn(METRIC.signatureRejections)?.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
    });
    const replyFailures = JSON.stringify(alarmOn(METRIC.replyFailures)?.Properties);
    expect(replyFailures).toContain('{"Name":"class","Value":"permanent"}');
    expect(replyFailures).toContain('{"Name":"class","Value":"async"}');
  });

  it('sends every alarm to the alarm topic', () => {
    const [topicId] = only('AWS::SNS::Topic');
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('shows duplicates suppressed (by reason) against replies sent', () => {
    const [, dashboard] = only('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain(METRIC.repliesSent);
    for (const reason of ['already-processed', 'in-flight', 'same-batch']) {
      expect(body).toContain(`\\"${METRIC.duplicatesSuppressed}\\",\\"reason\\",\\"${reason}\\"`);
    }
  });
});

describe('cdk-nag', () => {
  it('passes AwsSolutions with only the three reasoned acknowledgements', () => {
    const report = nagReport(synthesized.outdir);
    expect(report.conclusion).toBe('success');
    expect(report.violations).toEqual([]);
    expect(report.suppressed.map((s) => s.ruleName).sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-APIG4',
      'AwsSolutions-SMG4',
    ]);
    for (const { reason } of report.suppressed) expect(reason.length).toBeGreaterThan(60);
  });
});

describe('what sam local invoke reads', () => {
  it('carries aws:asset:path and aws:asset:property metadata pointing at the bundled handler', () => {
    const metadata = functionResource().Metadata as Record<string, unknown>;
    expect(metadata['aws:asset:property']).toBe('Code');
    const assetDir = join(synthesized.outdir, String(metadata['aws:asset:path']));
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    expect(functionResource().Properties.Handler).toBe('index.handler');
  });

  it('resolves to the same bundle through the helper npm run invoke uses', () => {
    const asset = findFunctionAsset(synthesized.templatePath);
    expect(asset.handlerFile).toBe(
      join(
        synthesized.outdir,
        String((functionResource().Metadata as Record<string, unknown>)['aws:asset:path']),
        'index.mjs',
      ),
    );
    expect(asset.exportName).toBe('handler');
  });
});
