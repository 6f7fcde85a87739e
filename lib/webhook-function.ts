import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { parseConfig } from '../lambda/config/config';
import { ENV } from '../lambda/config/env-names';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/observability/metric-names';
import { BUNDLING, HANDLER_ENTRY, HANDLER_EXPORT } from './bundling';
import { FUNCTION_LOGICAL_ID, LOCAL_INVOKE_VARIABLES } from './identifiers';
import type { StackSettings } from './settings';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

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
 * The webhook Lambda: the same entry and esbuild settings as `npm run build` (local esbuild, no Docker),
 * arm64, an explicit log group, and a role that can touch only its table items and its secret.
 */
export class WebhookFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    const { settings } = props;
    this.logGroup = new LogGroup(this, 'Logs', { retention: settings.logRetentionDays });

    // Our own role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed
    // policy (logs on every group in the account).
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'whatsapp-once webhook: its log group, its dedup table items, its secret',
    });
    this.logGroup.grantWrite(role);

    const environment = functionEnvironment(props);
    // The runtime's own validation, run at synth: a bad TTL or lease fails `cdk synth`, not a cold start.
    parseConfig(environment);

    this.function = new NodejsFunction(this, 'Function', {
      description: 'Answers each WhatsApp user message exactly once',
      entry: join(PROJECT_ROOT, HANDLER_ENTRY),
      handler: HANDLER_EXPORT,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: settings.memorySizeMb,
      // Below API Gateway's 30 s limit: the lease is derived from this deadline, so the handler (not a
      // gateway timeout) decides every answer Meta gets, 200 or a deliberate 5xx.
      timeout: Duration.seconds(settings.timeoutSeconds),
      role,
      logGroup: this.logGroup,
      tracing: settings.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      ...(settings.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: settings.reservedConcurrency }),
      environment,
      bundling: {
        // NodejsFunction always bundles for platform node, the one BUNDLING names.
        format: BUNDLING.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourcemap,
        sourcesContent: BUNDLING.sourcesContent,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        externalModules: [...BUNDLING.external],
        forceDockerBundling: false,
      },
    });
    (this.function.node.defaultChild as CfnFunction).overrideLogicalId(FUNCTION_LOGICAL_ID);

    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...TABLE_ACTIONS],
        resources: [props.table.tableArn],
      }),
    );
    props.secret.grantRead(role);
    if (settings.tracing) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only with tracing on: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their resource is "*".',
      });
    }
  }
}

function functionEnvironment({ table, secretId, settings }: WebhookFunctionProps): Record<string, string> {
  return {
    [ENV.tableName]: table.tableName,
    [ENV.secretId]: secretId,
    [ENV.graphVersion]: settings.graphApiVersion,
    [ENV.dedupTtlSeconds]: String(settings.dedupTtlDays * 86_400),
    [ENV.leaseSafetyMs]: String(settings.leaseSafetyMs),
    [ENV.inFlightWaitMs]: String(settings.inFlightWaitMs),
    // Read by Powertools itself; the same names the code passes, so logs and metrics agree.
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
    ...(settings.localInvoke ? Object.fromEntries(LOCAL_INVOKE_VARIABLES.map((name) => [name, ''])) : {}),
  };
}
