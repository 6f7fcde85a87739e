import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ENV } from '../lambda/config/env-names';
import { FUNCTION_LOGICAL_ID } from '../lib/identifiers';
import {
  createClaimTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../test/support/dynamodb-local';
import { type GraphRequest, startGraphStub } from '../test/support/graph-stub';

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), 'lambda-runner.mjs');

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

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
  event: APIGatewayProxyEventV2;
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
}

/**
 * Runs the bundle with plain node against a fresh DynamoDB Local table and a Graph stub on 127.0.0.1,
 * one event after another in one warm process; the endpoints replace whatever the env-vars file named.
 */
export async function invokeLocally(options: {
  asset: FunctionAsset;
  variables: Record<string, string>;
  events: NamedEvent[];
  onLog?: (line: string) => void;
}): Promise<LocalRun> {
  const tableName = options.variables[ENV.tableName];
  if (!tableName) throw new Error(`${ENV.tableName} has no local value: set it in the env-vars file`);
  const dynamo = await startDynamoDbLocal();
  const graph = await startGraphStub();
  let runner: ChildProcess | undefined;
  let nodeVersion = '';
  try {
    const admin = localDynamoDbClient(dynamo.endpoint);
    await createClaimTable(admin, tableName);
    admin.destroy();
    ({ runner, nodeVersion } = await startRunner(
      options.asset,
      {
        ...lambdaBaseEnvironment(options.asset),
        ...options.variables,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        [ENV.graphBaseUrl]: graph.baseUrl,
      },
      options.onLog,
    ));
    const invocations: Invocation[] = [];
    for (const [index, { name, event }] of options.events.entries()) {
      invocations.push(await invoke(runner, index, name, event, options.asset.timeoutSeconds * 1000));
    }
    return { nodeVersion, invocations, graphRequests: [...graph.requests], dynamoEndpoint: dynamo.endpoint };
  } finally {
    runner?.kill();
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

function startRunner(
  asset: FunctionAsset,
  env: Record<string, string>,
  onLog: ((line: string) => void) | undefined,
): Promise<{ runner: ChildProcess; nodeVersion: string }> {
  // execArgv [] so the bundle runs under plain node, without the tsx loader this script runs under.
  // LAMBDA_NODE_BINARY runs it under another node, e.g. the Lambda runtime's major in CI.
  const child = fork(RUNNER, [asset.handlerFile, asset.exportName], {
    execPath: process.env.LAMBDA_NODE_BINARY ?? process.execPath,
    execArgv: [],
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onLog?.(line);
    });
  }
  return new Promise((resolve, reject) => {
    child.once('message', (message: unknown) => {
      if (isRecord(message) && message.type === 'ready')
        resolve({ runner: child, nodeVersion: String(message.nodeVersion) });
      else
        reject(
          new Error(
            `The bundle failed to load: ${JSON.stringify(isRecord(message) ? message.error : message)}`,
          ),
        );
    });
    child.once('exit', (code) => reject(new Error(`The bundle exited with ${code} before it was ready`)));
  });
}

function invoke(
  runner: ChildProcess,
  id: number,
  name: string,
  event: APIGatewayProxyEventV2,
  timeoutMs: number,
): Promise<Invocation> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`The bundle exited with ${code} during ${name}`));
    const onMessage = (message: unknown) => {
      if (!isRecord(message) || message.type !== 'result' || message.id !== id) return;
      runner.off('message', onMessage);
      runner.off('exit', onExit);
      const durationMs = Date.now() - started;
      const error = message.error;
      resolve(
        isRecord(error)
          ? {
              name,
              kind: 'error',
              error: { name: String(error.name), message: String(error.message) },
              durationMs,
            }
          : { name, kind: 'result', result: message.result, durationMs },
      );
    };
    runner.on('message', onMessage);
    runner.once('exit', onExit);
    runner.send({ id, event, timeoutMs });
  });
}
