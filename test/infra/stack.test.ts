import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../lambda/config/config';
import { ENV, SECRET_KEYS } from '../../lambda/config/env-names';
import { TABLE_SCHEMA } from '../../lambda/config/table-schema';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/observability/metric-names';
import { ITERATOR_AGE_ALARM_MS } from '../../lib/alarms';
import { BUNDLING } from '../../lib/bundling';
import {
  FUNCTION_LOGICAL_ID,
  LOCAL_INVOKE_VARIABLES,
  REDRIVE_LOGICAL_ID,
  WEBHOOK_PATH,
  WORKER_LOGICAL_ID,
} from '../../lib/identifiers';
import { findFunctionAsset } from '../../scripts/invoke-asset';
import { permissionsOf, roleOf } from './permissions';
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

/** Logical ids of the three queues, told apart by their construct paths. */
function queueIds() {
  const id = (prefix: string) => {
    const [found] = Object.keys(template.findResources('AWS::SQS::Queue')).filter((key) =>
      key.startsWith(prefix),
    );
    if (found === undefined) throw new Error(`no queue ${prefix}`);
    return found;
  };
  return {
    redrive: id('RedrivesQueue'),
    redriveDeadLetters: id('RedrivesDeadLetters'),
    streamDeadLetters: id('WorkerStreamDeadLetters'),
  };
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
  const allow = (actions: string[], resource: unknown) => ({ effect: 'Allow', actions, resource });
  const ids = () => ({
    table: only('AWS::DynamoDB::Table')[0],
    secret: only('AWS::SecretsManager::Secret')[0],
    queue: queueIds().redrive,
    streamDlq: queueIds().streamDeadLetters,
  });
  const logs = (logGroupPrefix: string) => {
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) =>
      id.startsWith(logGroupPrefix),
    );
    return allow(['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [logGroupId, 'Arn'] });
  };
  const readSecret = () =>
    allow(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], { Ref: ids().secret });
  const onTable = (...actions: string[]) => allow(actions, { 'Fn::GetAtt': [ids().table, 'Arn'] });

  it('lets the webhook write its logs, Get/Put/Update items of its table (no DeleteItem) and read its secret', () => {
    expect(permissionsOf(template, FUNCTION_LOGICAL_ID)).toEqual([
      logs('WebhookLogs'),
      onTable('dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
      readSecret(),
    ]);
  });

  it('lets the worker Get/Update items, read the stream, dead-letter to the stream DLQ and only send re-drives', () => {
    const { table, queue, streamDlq } = ids();
    expect(permissionsOf(template, WORKER_LOGICAL_ID)).toEqual([
      logs('WorkerLogs'),
      onTable('dynamodb:GetItem', 'dynamodb:UpdateItem'),
      readSecret(),
      allow(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], {
        'Fn::GetAtt': [streamDlq, 'Arn'],
      }),
      allow(['dynamodb:ListStreams'], '*'),
      allow(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], {
        'Fn::GetAtt': [table, 'StreamArn'],
      }),
      allow(['sqs:SendMessage'], { 'Fn::GetAtt': [queue, 'Arn'] }),
    ]);
  });

  it('lets the redrive function Get/Update items, consume the re-drive queue and send to it, and read the secret', () => {
    expect(permissionsOf(template, REDRIVE_LOGICAL_ID)).toEqual([
      logs('RedriveLogs'),
      onTable('dynamodb:GetItem', 'dynamodb:UpdateItem'),
      readSecret(),
      allow(
        [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
          'sqs:SendMessage',
        ],
        { 'Fn::GetAtt': [ids().queue, 'Arn'] },
      ),
    ]);
  });

  it('grants no delete or batch write on any resource: records leave by TTL, nothing deletes', () => {
    const actions = [FUNCTION_LOGICAL_ID, WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID].flatMap((id) =>
      permissionsOf(template, id).flatMap((permission) => permission.actions),
    );
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    expect(actions.filter((action) => action.endsWith('*'))).toEqual([]);
  });

  it('grants a wildcard resource only for dynamodb:ListStreams, which has no resource-level permission', () => {
    const wildcards = [FUNCTION_LOGICAL_ID, WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID]
      .flatMap((id) => permissionsOf(template, id))
      .filter((permission) => permission.resource === '*');
    expect(wildcards).toEqual([allow(['dynamodb:ListStreams'], '*')]);
  });

  it('gives each function its own role, without AWS managed policies', () => {
    const roles = [FUNCTION_LOGICAL_ID, WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID].map((id) =>
      roleOf(template, id),
    );
    expect(new Set(roles).size).toBe(3);
    const all = Object.values(template.findResources('AWS::IAM::Role')) as Resource[];
    expect(all).toHaveLength(3);
    for (const role of all) expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
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

  it('alarms on 5xx rate, function errors and throttles, signature rejections, store errors, send and reply failures, an unfilled secret and double replies', () => {
    for (const name of [
      '5xx',
      'Errors',
      'Throttles',
      METRIC.signatureRejections,
      METRIC.claimStoreErrors,
      METRIC.replyFailures,
      METRIC.secretNotConfigured,
      METRIC.doubleReplies,
    ]) {
      expect(alarmOn(name), name).toBeDefined();
    }
    expect(alarms()).toHaveLength(15);
  });

  it('alarms on the worker iterator age, failed re-drives, worker and redrive errors, and both dead-letter queues', () => {
    const alarmOnResource = (metricName: string, ref: unknown) =>
      alarms().find(
        (alarm) =>
          alarm.Properties.MetricName === metricName &&
          JSON.stringify(alarm.Properties.Dimensions).includes(JSON.stringify(ref)),
      );
    const { streamDeadLetters, redriveDeadLetters } = queueIds();
    expect(alarmOnResource('IteratorAge', { Ref: WORKER_LOGICAL_ID })?.Properties).toMatchObject({
      Statistic: 'Maximum',
      Threshold: ITERATOR_AGE_ALARM_MS,
    });
    expect(alarmOn(METRIC.redriveFailures)).toBeDefined();
    expect(alarmOnResource('Errors', { Ref: WORKER_LOGICAL_ID })).toBeDefined();
    expect(alarmOnResource('Errors', { Ref: REDRIVE_LOGICAL_ID })).toBeDefined();
    for (const queue of [streamDeadLetters, redriveDeadLetters]) {
      expect(
        alarmOnResource('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [queue, 'QueueName'] })
          ?.Properties,
      ).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it('reads custom metrics with the exact namespace and dimensions Powertools emits', () => {
    expect(alarmOn(METRIC.secretNotConfigured)?.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
    });
    const [, replyFailuresAlarm] =
      Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(([id]) =>
        id.startsWith('AlarmsReplyFailures'),
      ) ?? [];
    const replyFailures = JSON.stringify(replyFailuresAlarm);
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

  it('graphs late messages and failed read receipts apart from the queued widgets: both modes count them', () => {
    const widgets = dashboardWidgets(only('AWS::CloudWatch::Dashboard')[1]);
    const late = widgets.find((widget) => /late messages/i.test(widget.properties.title));
    expect(late?.properties.title).not.toMatch(/queued/i);
    expect(late?.properties.metrics).toEqual([
      [
        METRICS_NAMESPACE,
        METRIC.windowClosed,
        'service',
        SERVICE_NAME,
        expect.objectContaining({ label: 'Past the 24 h window: no reply sent' }),
      ],
      [
        METRICS_NAMESPACE,
        METRIC.staleComposed,
        'service',
        SERVICE_NAME,
        expect.objectContaining({ label: 'Stale: answered late, the bot told' }),
      ],
      [
        METRICS_NAMESPACE,
        METRIC.readReceiptsFailed,
        'service',
        SERVICE_NAME,
        expect.objectContaining({ label: 'Read receipts failed', yAxis: 'right' }),
      ],
    ]);
    const labels = JSON.stringify(widgets.filter((widget) => widget !== late));
    expect(labels).not.toContain(METRIC.windowClosed);
  });

  it('graphs the worker iterator age, the re-drive queue and both dead-letter queues', () => {
    const [, dashboard] = only('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain('Iterator age (ms)');
    for (const label of [
      'Re-drives enqueued',
      'Re-drives that failed to enqueue',
      'Leases lost',
      'Re-drives waiting',
      'Re-drives due',
      'Stream dead letters',
      'Re-drive dead letters',
    ])
      expect(body).toContain(label);
  });
});

describe('cdk-nag', () => {
  it('passes AwsSolutions with only the five reasoned acknowledgements', () => {
    const report = nagReport(synthesized.outdir);
    expect(report.conclusion).toBe('success');
    expect(report.violations).toEqual([]);
    expect(report.suppressed.map((s) => `${s.ruleName} ${s.acknowledgedAt}`).sort()).toEqual([
      'AwsSolutions-APIG4 WhatsappOnce/Api/HttpApi/GET--webhook',
      'AwsSolutions-APIG4 WhatsappOnce/Api/HttpApi/POST--webhook',
      'AwsSolutions-IAM5[Resource::*] WhatsappOnce/Worker/Role',
      'AwsSolutions-SMG4 WhatsappOnce/WhatsappSecret/Secret',
      'AwsSolutions-SQS3 WhatsappOnce/Worker/StreamDeadLetters',
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

  it.each([WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID])(
    'bundles %s the same way, with its own handler and source map',
    (id) => {
      const asset = findFunctionAsset(synthesized.templatePath, id);
      expect(existsSync(asset.handlerFile)).toBe(true);
      expect(existsSync(`${asset.handlerFile}.map`)).toBe(true);
      expect(asset.exportName).toBe('handler');
      expect(asset.handlerFile).not.toBe(findFunctionAsset(synthesized.templatePath).handlerFile);
    },
  );

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

interface DashboardWidget {
  properties: { title: string; metrics?: unknown[] };
}

/** The dashboard's widgets: its body is a join of text and deploy-time references, stood in as "REF". */
function dashboardWidgets(dashboard: Resource | undefined): DashboardWidget[] {
  const body = dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  return (JSON.parse(text) as { widgets: DashboardWidget[] }).widgets;
}
