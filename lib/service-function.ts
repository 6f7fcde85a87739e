import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Token, Validations } from 'aws-cdk-lib';
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
import { BUNDLING, FUNCTION_ENTRIES, HANDLER_EXPORT } from './bundling';
import { LOCAL_INVOKE_VARIABLES } from './identifiers';
import type { StackSettings } from './settings';
import { stageNames } from './stage-names';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

export interface ServiceFunctionProps {
  entry: FunctionName;
  /** Stable logical id, so `sam local invoke <id>` keeps working when construct paths change. */
  logicalId: string;
  description: string;
  roleDescription: string;
  timeoutSeconds: number;
  table: ITable;
  /** Exactly the item operations this function's code calls. */
  tableActions: readonly string[];
  secret: ISecret;
  secretId: string;
  settings: StackSettings;
  /** Variables of this function beyond the ones every function gets. */
  environment: Record<string, string>;
  /** The runtime's own config parser for this function, run at synth on its environment. */
  validate?: (env: Record<string, string>) => unknown;
  reservedConcurrency?: number | undefined;
}

/**
 * A function of the service: the entry bundled with the same esbuild settings as `npm run build` (local
 * esbuild, no Docker), nodejs24.x on arm64, its own log group, and its own role holding only its log
 * group, the item actions it names on the table, and the secret. Callers add what is theirs alone.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { settings } = props;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: settings.logRetentionDays,
      ...stageNames(settings.stage).logGroup(props.entry),
    });

    // Our own role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed
    // policy (logs on every group in the account).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription,
    });
    this.logGroup.grantWrite(this.role);

    const environment = { ...commonEnvironment(props), ...props.environment };
    // The runtime's own validation, run at synth: a bad TTL or lease fails `cdk synth`, not a cold start.
    (props.validate ?? parseConfig)(withDeployTimeStandIns(environment));

    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: join(PROJECT_ROOT, FUNCTION_ENTRIES[props.entry]),
      handler: HANDLER_EXPORT,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: settings.memorySizeMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      tracing: settings.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
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
    (this.function.node.defaultChild as CfnFunction).overrideLogicalId(props.logicalId);

    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...props.tableActions],
        resources: [props.table.tableArn],
      }),
    );
    props.secret.grantRead(this.role);
    if (settings.tracing) {
      this.acknowledgeWildcard(
        'Only with tracing on: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their resource is "*".',
      );
    }
  }

  private readonly wildcardReasons: string[] = [];

  /** One acknowledgement per role holds every reason, so a second grant of `*` cannot hide the first. */
  acknowledgeWildcard(reason: string): void {
    this.wildcardReasons.push(reason);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: this.wildcardReasons.join(' '),
    });
  }
}

/** What every function reads: its table, its secret, the protocol's TTL and lease, Powertools' names. */
function commonEnvironment({ table, secretId, settings }: ServiceFunctionProps): Record<string, string> {
  return {
    [ENV.tableName]: table.tableName,
    [ENV.secretId]: secretId,
    [ENV.graphVersion]: settings.graphApiVersion,
    [ENV.dedupTtlSeconds]: String(settings.dedupTtlDays * 86_400),
    [ENV.leaseSafetyMs]: String(settings.leaseSafetyMs),
    ...botEnvironment(settings),
    // Read by Powertools itself; the same names the code passes, so logs and metrics agree.
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
    ...(settings.localInvoke ? Object.fromEntries(LOCAL_INVOKE_VARIABLES.map((name) => [name, ''])) : {}),
  };
}

/**
 * Values known only at deploy time (a table name, a queue URL) are tokens at synth. They stand in as an
 * URL-shaped placeholder, which satisfies both a presence and a URL check, so only the values the stack
 * sets literally are judged.
 */
const DEPLOY_TIME_STAND_IN = 'https://deploy-time-value.invalid/';
function withDeployTimeStandIns(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      Token.isUnresolved(value) ? DEPLOY_TIME_STAND_IN : value,
    ]),
  );
}

/** The bot and read-receipt settings, only those set in context (the runtime's defaults apply to the rest). */
function botEnvironment(settings: ServiceFunctionProps['settings']): Record<string, string> {
  const values: [string, string | number | undefined][] = [
    [ENV.botUrl, settings.botUrl],
    [ENV.botProtocol, settings.botProtocol],
    [ENV.botTimeoutMs, settings.botTimeoutMs],
    [ENV.staleAfterSeconds, settings.staleAfterSeconds],
    // Off is the runtime's default: a template without them is the template of before.
    [ENV.markAsRead, settings.markAsRead ? 'true' : undefined],
    [ENV.typingIndicator, settings.typingIndicator ? 'true' : undefined],
  ];
  return Object.fromEntries(
    values.flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])),
  );
}
