import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  type RunningDynamoDb,
} from '../devkit/dynamodb-local';
import { type GraphRequest, type GraphStub, startGraphStub } from '../devkit/graph-stub';
import { type ChildHost, startChildHost } from '../devkit/lambda-host/child-process';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/observability/metric-names';
import { HANDLER_ENTRY } from '../lib/bundling';
import { bundlePath, TARGET_ENTRIES } from './bundle';
import { type CountingProxy, startCountingProxy } from './counting-proxy';
import type { PhaseSample } from './measure';
import type { RequestProbe } from './probe';
import type { TargetName } from './results';
import { tableForTarget } from './tables';

export const OURS_BUNDLE = 'dist/handler.mjs';
/** The Lambda timeout of the deployed function: every invocation starts with this much time left. */
const FUNCTION_TIMEOUT_MS = 25_000;

export interface TargetSpec {
  name: TargetName;
  label: string;
  bundle: string;
  /** The TypeScript entry, run through tsx when profiling so the profile names packages and files. */
  source: string;
  color: string;
}

export const SPECS: TargetSpec[] = [
  { name: 'ours', label: 'whatsapp-once', bundle: OURS_BUNDLE, source: HANDLER_ENTRY, color: '#1b7f5b' },
  {
    name: 'baseline',
    label: 'Powertools idempotency',
    bundle: bundlePath('baseline'),
    source: TARGET_ENTRIES.baseline,
    color: '#3b6fb6',
  },
  {
    name: 'none',
    label: 'no dedup',
    bundle: bundlePath('none'),
    source: TARGET_ENTRIES.none,
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
  storm: PhaseSample[];
  throughput: PhaseSample[];
  probe?: RequestProbe;
  /** Log bytes of one message answered once, with its three statuses, alone (bench/log-probe.ts). */
  steadyLogBytes?: number;
  /** Bytes the target printed to stdout and stderr so far: what CloudWatch Logs would ingest. */
  logBytes: () => number;
  /** Registers who hears of each reply the Graph stub accepts (Meta's statuses follow them). */
  onReply: (listener: ReplyListener | undefined) => void;
}

type ReplyListener = (request: GraphRequest, outboundId: string) => void;

export interface TargetOptions {
  appSecret: string;
  graphDelayMs: number;
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
  let replyListener: ReplyListener | undefined;
  const graph = await startGraphStub({ onAccepted: (request, id) => replyListener?.(request, id) });
  graph.behave(() => ({ kind: 'accept', delayMs: options.graphDelayMs }));
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
  };
  let logBytes = 0;
  const host = await startChildHost({
    env,
    timeoutMs: FUNCTION_TIMEOUT_MS,
    // Each line as CloudWatch ingests it: its bytes and the newline that ends it.
    onLog: (line) => {
      logBytes += Buffer.byteLength(line) + 1;
    },
    ...(options.profile
      ? {
          bundle: spec.source,
          execArgv: ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=dist/bench/profiles/${spec.name}`],
        }
      : { bundle: spec.bundle }),
  });
  return {
    spec,
    env,
    proxy,
    graph,
    host,
    storm: [],
    throughput: [],
    logBytes: () => logBytes,
    onReply: (listener) => {
      replyListener = listener;
    },
  };
}

export async function stopTarget(target: RunningTarget): Promise<void> {
  await target.host.stop();
  await target.graph.close();
  await target.proxy.close();
}
