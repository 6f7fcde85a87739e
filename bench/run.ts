import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startDynamoDbLocal } from '../devkit/dynamodb-local';
import { bundleBenchTargets } from './bundle';
import { measureColdStarts } from './cold-start';
import { cpuTicks, machineShare } from './machine-share';
import { stormFigures, throughputFigures } from './measure';
import { runPhases, runStormRounds } from './phases';
import { progressLine } from './progress';
import { publish, versions } from './publish';
import { checkQueued } from './queued-checks';
import {
  type BenchResult,
  checkTargets,
  ratiosTo,
  type SlowBotResult,
  stormRatiosTo,
  type TargetName,
  type TargetResult,
} from './results';
import { settingsFrom } from './settings';
import { OURS_BUNDLE, type RunningTarget, SPECS, startTarget, stopTarget } from './targets';
import { usageOf } from './usage';

/**
 * `npm run bench`: this project's bundles in both reply modes, the Powertools idempotency baseline
 * and a no-dedup handler, each function in its own Lambda host process, over one DynamoDB Local
 * (behind counting proxies) and one Graph stub per target, in interleaved rounds; then the storm
 * again with a slow bot. Prints the tables, writes JSON and an SVG chart.
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
const targetOptions = { appSecret: APP_SECRET, graphDelayMs: settings.graphDelayMs, profile };
const phaseContext = {
  settings,
  appSecret: APP_SECRET,
  progress: (text: string) => progress.update(text),
  onPhase: noteLoad,
};
const targets: RunningTarget[] = [];
try {
  for (const spec of SPECS)
    targets.push(await startTarget(spec, dynamo, { ...targetOptions, botDelayMs: 0 }));
  await runPhases(targets, phaseContext);
  warnOfFailures(targets);
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
          usage: usageOf(t.storm),
          throughput: throughputFigures(t.throughput),
          coldStart,
        },
      ];
    }),
  ) as Record<TargetName, TargetResult>;
  await stopAll(targets);

  // The slow-bot pass: the storm again, every target's bot composing for botDelayMs (not profiled).
  let slowBot: BenchResult['slowBot'];
  if (settings.botDelayMs > 0 && !profile) {
    progress.update(`slow-bot pass: every bot takes ${settings.botDelayMs} ms`, true);
    for (const spec of SPECS) {
      targets.push(await startTarget(spec, dynamo, { ...targetOptions, botDelayMs: settings.botDelayMs }));
    }
    await runStormRounds(targets, phaseContext, 'b');
    warnOfFailures(targets);
    const slow = Object.fromEntries(
      targets.map((t): [TargetName, SlowBotResult] => [
        t.spec.name,
        { name: t.spec.name, label: t.spec.label, storm: stormFigures(t.storm), usage: usageOf(t.storm) },
      ]),
    ) as Record<TargetName, SlowBotResult>;
    await stopAll(targets);
    slowBot = {
      botDelayMs: settings.botDelayMs,
      targets: slow,
      ratios: {
        ours: stormRatiosTo(slow.baseline, slow.ours),
        queued: stormRatiosTo(slow.baseline, slow.queued),
        none: stormRatiosTo(slow.baseline, slow.none),
      },
    };
  }
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
      queued: ratiosTo(results.baseline, results.queued),
      none: ratiosTo(results.baseline, results.none),
    },
    checks: checkTargets(results.ours, results.baseline),
    ...(slowBot ? { slowBot } : {}),
    queuedChecks: checkQueued({
      queued: results.queued,
      inline: results.ours,
      baseline: results.baseline,
      slowQueued: slowBot?.targets.queued,
      slowInline: slowBot?.targets.ours,
    }),
  };
  const startLoad = loadAtStart[0] ?? 0;
  const share = result.machine.cpuShare;
  progress.done(
    `done in ${result.durationSeconds} s; 1-min load average ${round2(startLoad)} at start` +
      (share ? `; other processes used ${share.othersPct} % of the machine meanwhile` : ''),
  );
  if (startLoad > BUSY_LOAD || (share?.othersPct ?? 0) > BUSY_OTHERS_PCT) {
    console.error('warning: the machine was busy with other work; latency and CPU figures are noisy');
  }
  publish(result, SPECS, outDir);
} finally {
  await stopAll(targets);
  await dynamo.stop();
}

/** Worker or redrive invocations that threw, or stream polls that failed: the figures still count them. */
function warnOfFailures(running: RunningTarget[]): void {
  for (const t of running) {
    const failures = t.queued?.failures ?? [];
    if (failures.length > 0) {
      console.error(
        `warning: ${t.spec.label}: ${failures.length} failed invocations or polls: ${[...new Set(failures)].join(', ')}`,
      );
    }
  }
}

/** Stops every running target and empties the list (a second call is a no-op). */
async function stopAll(running: RunningTarget[]): Promise<void> {
  for (const t of running.splice(0)) await stopTarget(t);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
