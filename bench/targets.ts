import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  type RunningDynamoDb,
} from '../devkit/dynamodb-local';
import { type GraphStub, startGraphStub } from '../devkit/graph-stub';
import { type ChildHost, startChildHost } from '../devkit/lambda-host/child-process';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/observability/metric-names';
import { FUNCTION_ENTRIES, HANDLER_ENTRY } from '../lib/bundling';
import { DEFAULT_SETTINGS } from '../lib/settings';
import { bundlePath, TARGET_ENTRIES } from './bundle';
import { type CountingProxy, startCountingProxy } from './counting-proxy';
import type { PhaseSample } from './measure';
import type { RequestProbe } from './probe';
import { type QueuedParts, startQueuedParts } from './queued-parts';
import type { TargetName } from './results';
import { tableForTarget } from './tables';
import { BOT_DELAY_ENV } from './targets/bench-bot';

export const OURS_BUNDLE = 'dist/handler.mjs';
const WORKER_BUNDLE = 'dist/worker.mjs';
const REDRIVE_BUNDLE = 'dist/redrive.mjs';
/** The Lambda timeout of the deployed webhook: every invocation starts with this much time left. */
const FUNCTION_TIMEOUT_MS = DEFAULT_SETTINGS.timeoutSeconds * 1_000;

export interface TargetSpec {
  name: TargetName;
  label: string;
  /** The webhook bundle, and the one the slow-bot pass runs (the same, or built with the bench's bot). */
  bundle: string;
  slowBotBundle: string;
  /** The TypeScript entry, run through tsx when profiling so the profile names packages and files. */
  source: string;
  /** REPLY_MODE=queued, with the worker and redrive functions on the table's stream. */
  queued: boolean;
  color: string;
}

const ourWebhook = {
  bundle: OURS_BUNDLE,
  slowBotBundle: bundlePath('webhook-with-bot'),
  source: HANDLER_ENTRY,
};

export const SPECS: TargetSpec[] = [
  { name: 'ours', label: 'whatsapp-once', ...ourWebhook, queued: false, color: '#1b7f5b' },
  { name: 'queued', label: 'whatsapp-once queued', ...ourWebhook, queued: true, color: '#8a4fbf' },
  {
    name: 'baseline',
    label: 'Powertools idempotency',
    bundle: bundlePath('baseline'),
    slowBotBundle: bundlePath('baseline'),
    source: TARGET_ENTRIES.baseline,
    queued: false,
    color: '#3b6fb6',
  },
  {
    name: 'none',
    label: 'no dedup',
    bundle: bundlePath('none'),
    slowBotBundle: bundlePath('none'),
    source: TARGET_ENTRIES.none,
    queued: false,
    color: '#b0b0b0',
  },
];

/** A target with its table, counting proxy, Graph stub and worker, and what its phases measured. */
export interface RunningTarget {
  spec: TargetSpec;
  env: Record<string, string>;
  proxy: CountingProxy;
  graph: GraphStub;
  host: ChildHost;
  /** Queued mode's worker and redrive functions. */
  queued: QueuedParts | undefined;
  storm: PhaseSample[];
  throughput: PhaseSample[];
  probe?: RequestProbe;
}

export interface TargetOptions {
  appSecret: string;
  graphDelayMs: number;
  /** How long every target's bot takes to compose a reply; 0 runs the `npm run build` bundles. */
  botDelayMs: number;
  /** Run the sources through tsx with a V8 CPU profile into dist/bench/profiles/<target>/. */
  profile: boolean;
}

export async function startTarget(
  spec: TargetSpec,
  db: RunningDynamoDb,
  options: TargetOptions,
): Promise<RunningTarget> {
  const admin = localDynamoDbClient(db.endpoint);
  const tableName = await tableForTarget(admin, spec.name);
  admin.destroy();
  const proxy = await startCountingProxy(db.endpoint);
  const graph = await startGraphStub();
  graph.behave(() => ({ kind: 'accept', delayMs: options.graphDelayMs }));
  const slowBot = options.botDelayMs > 0;
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'whatsapp-once-bench',
    TABLE_NAME: tableName ?? '',
    WHATSAPP_APP_SECRET: options.appSecret,
    WHATSAPP_ACCESS_TOKEN: 'bench-access-token',
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    GRAPH_API_BASE_URL: graph.baseUrl,
    // As the CDK stack deploys it: INFO logs and EMF metrics on (both go to /dev/null here).
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...(slowBot ? { [BOT_DELAY_ENV]: String(options.botDelayMs) } : {}),
    ...(spec.queued ? { REPLY_MODE: 'queued' } : {}),
  };
  const profiled = (source: string, name: string) => ({
    bundle: source,
    execArgv: ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=dist/bench/profiles/${name}`],
  });
  const host = await startChildHost({
    env,
    timeoutMs: FUNCTION_TIMEOUT_MS,
    ...(options.profile
      ? profiled(spec.source, spec.name)
      : { bundle: slowBot ? spec.slowBotBundle : spec.bundle }),
  });
  const queued =
    spec.queued && tableName !== undefined
      ? await startQueuedParts(db, tableName, env, queuedBundles(options, spec.name))
      : undefined;
  return { spec, env, proxy, graph, host, queued, storm: [], throughput: [] };
}

function queuedBundles(options: TargetOptions, name: string) {
  if (options.profile) {
    return {
      worker: FUNCTION_ENTRIES.worker,
      redrive: FUNCTION_ENTRIES.redrive,
      execArgv: ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=dist/bench/profiles/${name}-worker`],
    };
  }
  return options.botDelayMs > 0
    ? { worker: bundlePath('worker-with-bot'), redrive: bundlePath('redrive-with-bot') }
    : { worker: WORKER_BUNDLE, redrive: REDRIVE_BUNDLE };
}

export async function stopTarget(target: RunningTarget): Promise<void> {
  await target.queued?.stop();
  await target.host.stop();
  await target.graph.close();
  await target.proxy.close();
}
