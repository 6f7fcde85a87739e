import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import {
  createClaimTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../devkit/dynamodb-local';
import { type GraphRequest, startGraphStub } from '../devkit/graph-stub';
import { type ChildHost, startChildHost } from '../devkit/lambda-host/child-process';
import { startLocalSqs } from '../devkit/local-sqs';
import { ENV } from '../lambda/config/env-names';
import { isRecord } from '../lambda/json-object';
import { FUNCTION_LOGICAL_ID } from '../lib/identifiers';
import { LOGICAL_ID_OF, refreshStreamEvent, seedQueuedClaims, triggerOf } from './invoke-queued';

/** The function as SAM finds it in a synthesized template: its asset folder, handler and settings. */
export interface FunctionAsset {
  logicalId: string;
  assetDir: string;
  handlerFile: string;
  exportName: string;
  timeoutSeconds: number;
  memorySizeMb: number;
  /** Template values: strings, or intrinsics (Ref...) that only an env-vars file can replace locally. */
  variables: Record<string, unknown>;
}

/** Reads the function's `aws:asset:path` / `aws:asset:property` metadata, exactly what SAM reads. */
export function findFunctionAsset(templatePath: string, logicalId = FUNCTION_LOGICAL_ID): FunctionAsset {
  const template: unknown = JSON.parse(readFileSync(templatePath, 'utf8'));
  const resource =
    isRecord(template) && isRecord(template.Resources) ? template.Resources[logicalId] : undefined;
  if (!isRecord(resource) || resource.Type !== 'AWS::Lambda::Function') {
    throw new Error(`${templatePath} has no AWS::Lambda::Function named ${logicalId}`);
  }
  const metadata = isRecord(resource.Metadata) ? resource.Metadata : {};
  const properties = isRecord(resource.Properties) ? resource.Properties : {};
  const assetPath = metadata['aws:asset:path'];
  if (typeof assetPath !== 'string' || metadata['aws:asset:property'] !== 'Code') {
    throw new Error(`${logicalId} carries no aws:asset:path / aws:asset:property=Code metadata`);
  }
  const assetDir = join(dirname(templatePath), assetPath);
  const [moduleName, exportName] = String(properties.Handler ?? '').split('.');
  const handlerFile = ['.mjs', '.js', '.cjs']
    .map((extension) => join(assetDir, `${moduleName}${extension}`))
    .find((file) => existsSync(file));
  if (!moduleName || !exportName || handlerFile === undefined) {
    throw new Error(`Handler "${String(properties.Handler)}" not found in ${assetDir} (run npx cdk synth)`);
  }
  const environment = isRecord(properties.Environment) ? properties.Environment.Variables : undefined;
  return {
    logicalId,
    assetDir,
    handlerFile,
    exportName,
    timeoutSeconds: typeof properties.Timeout === 'number' ? properties.Timeout : 3,
    memorySizeMb: typeof properties.MemorySize === 'number' ? properties.MemorySize : 128,
    variables: isRecord(environment) ? environment : {},
  };
}

export interface ResolvedEnvironment {
  variables: Record<string, string>;
  /** In the env-vars file but not declared by the template: SAM ignores these, and so do we. */
  ignored: string[];
  /** Declared with an intrinsic (Ref...) and not overridden: no local value exists. */
  unresolved: string[];
}

/**
 * SAM's `--env-vars` rules: the `Parameters` entry applies to every function, an entry under the
 * function's logical id wins over it, and only variables the template declares are overridden.
 */
export function resolveEnvironment(asset: FunctionAsset, envVarsFile: unknown): ResolvedEnvironment {
  const file = isRecord(envVarsFile) ? envVarsFile : {};
  const entry = (key: string) => {
    const value = file[key];
    return isRecord(value) ? value : {};
  };
  const overrides: Record<string, unknown> = { ...entry('Parameters'), ...entry(asset.logicalId) };
  const variables: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const [name, value] of Object.entries(asset.variables)) {
    const chosen = name in overrides ? overrides[name] : value;
    if (typeof chosen === 'string' || typeof chosen === 'number' || typeof chosen === 'boolean') {
      variables[name] = String(chosen);
    } else {
      unresolved.push(name);
    }
  }
  const ignored = Object.keys(overrides).filter((name) => !(name in asset.variables));
  return { variables, ignored, unresolved };
}

export interface NamedEvent {
  name: string;
  /** An HTTP API v2, DynamoDB stream or SQS event: its shape picks the function. */
  event: unknown;
}

/** One function of the template, with the variables the env-vars file gives it. */
export interface LocalFunction {
  asset: FunctionAsset;
  variables: Record<string, string>;
}

export type Invocation =
  | { name: string; kind: 'result'; result: unknown; durationMs: number }
  | { name: string; kind: 'error'; error: { name: string; message: string }; durationMs: number };

export interface LocalRun {
  /** `process.version` of the node that ran the bundle. */
  nodeVersion: string;
  invocations: Invocation[];
  graphRequests: GraphRequest[];
  dynamoEndpoint: string;
  /** Re-drives the worker or redrive function left on the local queue (none ran them here). */
  redrivesQueued: number;
}

/**
 * Runs the bundles in the devkit's Lambda host (plain node, or LAMBDA_NODE_BINARY) against a fresh
 * DynamoDB Local table, a Graph stub and a local re-drive queue on 127.0.0.1, one event after another,
 * each function in its own warm process; the endpoints replace whatever the env-vars file named.
 * A stream or SQS event finds its message's queued claim in the table (written here unless a webhook
 * event of the run wrote it), and a stream event older than the reply window is re-dated to now
 * unless `keepTimestamps`; `onNote` hears both.
 */
export async function invokeLocally(options: {
  functions: LocalFunction[];
  events: NamedEvent[];
  onLog?: (line: string) => void;
  onNote?: (line: string) => void;
  keepTimestamps?: boolean;
}): Promise<LocalRun> {
  const tableName = options.functions[0]?.variables[ENV.tableName];
  if (!tableName) throw new Error(`${ENV.tableName} has no local value: set it in the env-vars file`);
  const note = options.onNote ?? (() => undefined);
  const dynamo = await startDynamoDbLocal();
  const graph = await startGraphStub();
  const queue = await startLocalSqs();
  const admin = localDynamoDbClient(dynamo.endpoint);
  const hosts = new Map<string, ChildHost>();
  const hostFor = async ({ asset, variables }: LocalFunction): Promise<ChildHost> => {
    const running = hosts.get(asset.logicalId);
    if (running) return running;
    const host = await startChildHost({
      bundle: asset.handlerFile,
      exportName: asset.exportName,
      env: {
        ...lambdaBaseEnvironment(asset),
        ...variables,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        [ENV.graphBaseUrl]: graph.baseUrl,
        // Only the worker and the redrive function read these; a re-drive stays on the local queue.
        ...(ENV.redriveQueueUrl in variables
          ? { [ENV.redriveQueueUrl]: queue.queueUrl, AWS_ENDPOINT_URL_SQS: queue.endpoint }
          : {}),
      },
      timeoutMs: asset.timeoutSeconds * 1000,
      onLog: options.onLog ?? (() => undefined),
    });
    hosts.set(asset.logicalId, host);
    return host;
  };
  try {
    await createClaimTable(admin, tableName);
    const invocations: Invocation[] = [];
    let nodeVersion = process.version;
    for (const { name, event: given } of options.events) {
      const trigger = triggerOf(given);
      const fn = trigger && options.functions.find((f) => f.asset.logicalId === LOGICAL_ID_OF[trigger]);
      if (trigger === undefined || fn === undefined) {
        const message =
          trigger === undefined
            ? 'not an HTTP API (payload 2.0), DynamoDB stream or SQS event'
            : `the template has no ${LOGICAL_ID_OF[trigger]} for this ${trigger} event`;
        invocations.push({ name, kind: 'error', error: { name: 'UnknownEvent', message }, durationMs: 0 });
        continue;
      }
      let event = given;
      if (trigger === 'stream') {
        const refreshed = refreshStreamEvent(given as DynamoDBStreamEvent, Date.now());
        if (refreshed.staleHours !== undefined) {
          note(
            options.keepTimestamps
              ? `${name}: its message is ${refreshed.staleHours} h old, past the 24-hour reply window (kept: expect window-closed)`
              : `${name}: its message is ${refreshed.staleHours} h old, past the 24-hour reply window; re-dated to now (--keep-timestamps keeps it)`,
          );
          if (!options.keepTimestamps) event = refreshed.event;
        }
      }
      if (trigger !== 'http') {
        const seeded = await seedQueuedClaims(
          admin,
          tableName,
          trigger === 'stream'
            ? { trigger, event: event as DynamoDBStreamEvent }
            : { trigger, event: event as SQSEvent },
          Date.now(),
        );
        if (seeded > 0) note(`${name}: wrote the queued claim the webhook would have written (${seeded})`);
      }
      const host = await hostFor(fn);
      nodeVersion = host.nodeVersion;
      const started = Date.now();
      const outcome = await host.invoke(event);
      const durationMs = Date.now() - started;
      invocations.push(
        outcome.kind === 'error'
          ? { name, kind: 'error', error: outcome.error, durationMs }
          : { name, kind: 'result', result: outcome.result, durationMs },
      );
    }
    return {
      nodeVersion,
      invocations,
      graphRequests: [...graph.requests],
      dynamoEndpoint: dynamo.endpoint,
      redrivesQueued: queue.size,
    };
  } finally {
    for (const host of hosts.values()) await host.stop();
    admin.destroy();
    await queue.close();
    await graph.close();
    await dynamo.stop();
  }
}

/** What the Lambda service sets in every function's environment, with local credentials and region. */
function lambdaBaseEnvironment(asset: FunctionAsset): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    TZ: ':UTC',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: asset.logicalId,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(asset.memorySizeMb),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(asset.timeoutSeconds),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  };
}
