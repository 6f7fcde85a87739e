/**
 * `npm run storm`: every fault plan against the real functions of both reply modes, DynamoDB Local
 * (started here, its stream feeding queued mode's worker) and a Graph stub on 127.0.0.1; prints the
 * figures published in docs/RELIABILITY.md.
 *
 *   npm run storm -- --mode queued --plans baseline,stream-redeliver --messages 100 --seed 1
 *   npm run storm -- --mode queued --plans stream-redeliver --mutant lease-unfenced   # must fail
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../devkit/dynamodb-local';
import { PROTOCOL_MUTANTS, type ProtocolMutant } from '../devkit/faults/protocol-mutants';
import type { PlanFigures } from './storm/figures';
import { appliesTo, type FaultPlan, PLANS, planNamed, type ReplyMode } from './storm/plans';
import { condensedTimeline, planDetail, summaryTable, verdict } from './storm/report';
import { runPlan } from './storm/run-plan';
import { STORM_TIMING } from './storm/storm-app';
import { scaledTiming } from './storm/storm-parts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: process.env.STORM_MESSAGES ?? '300' },
    seed: { type: 'string', default: '1' },
    plans: { type: 'string' },
    /** inline, queued or both (each plan in each mode it applies to). */
    mode: { type: 'string', default: 'both' },
    /** A protocol mutant (queued mode): the run passes only if the storm reports duplicates. */
    mutant: { type: 'string' },
    /** Messages of an unreported baseline run first, to warm up DynamoDB Local's JIT and Node's. */
    warmup: { type: 'string', default: '60' },
    /** Multiplies every storm duration (invocation time, leases, graces): for a heavily loaded machine. */
    'time-scale': { type: 'string', default: '1' },
    /** Timelines printed per plan for messages that got a duplicate or a miss. */
    timelines: { type: 'string', default: '2' },
  },
});
const messages = Number(values.messages);
const seed = Number(values.seed);
if (!Number.isInteger(messages) || messages < 1 || !Number.isInteger(seed)) {
  throw new Error('--messages must be a positive integer and --seed an integer');
}
const timeScale = Number(values['time-scale']);
if (!(timeScale >= 1)) throw new Error('--time-scale must be a number >= 1');
const modes: ReplyMode[] =
  values.mode === 'both' ? ['inline', 'queued'] : values.mode === 'inline' ? ['inline'] : ['queued'];
if (!['both', 'inline', 'queued'].includes(values.mode))
  throw new Error('--mode must be inline, queued or both');
const mutant = values.mutant as ProtocolMutant | undefined;
if (mutant !== undefined && !PROTOCOL_MUTANTS.includes(mutant)) {
  throw new Error(`--mutant must be one of ${PROTOCOL_MUTANTS.join(', ')}`);
}
if (mutant !== undefined && values.mode !== 'queued') throw new Error('--mutant needs --mode queued');
const plans = values.plans ? values.plans.split(',').map((name) => planNamed(name.trim())) : PLANS;
const runs = modes.flatMap((mode) =>
  plans.filter((plan) => appliesTo(plan, mode)).map((plan) => ({ plan, mode })),
);

// The functions' Powertools logger and metrics are read from the environment when the app is built.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const dynamo = await startDynamoDbLocal();
const rows: { plan: FaultPlan; mode: ReplyMode; figures: PlanFigures & { load: [number, number] } }[] = [];
const failures: string[] = [];
const started = Date.now();
try {
  console.log(
    `storm: ${runs.length} runs (${modes.join(' + ')}) x ${messages} messages, seed ${seed}, node ${process.version}, ` +
      `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1)}` +
      (mutant ? `, MUTANT ${mutant} (the storm must report duplicates)` : ''),
  );
  const timing = scaledTiming(STORM_TIMING, timeScale);
  const knobs = Object.entries(timing.env).map(([name, value]) => `${name}=${value}`);
  console.log(`  each invocation has ${timing.remainingMs} ms; ${knobs.join(' ')}`);
  const warmup = Number(values.warmup);
  if (warmup > 0) {
    for (const mode of modes) {
      await runPlan(planNamed('baseline'), {
        endpoint: dynamo.endpoint,
        mode,
        messages: warmup,
        seed: seed + 1,
      });
    }
    console.log(`  warm-up (${warmup} messages per mode, not reported) done`);
  }
  for (const { plan, mode } of runs) {
    const figures = await runPlan(plan, {
      endpoint: dynamo.endpoint,
      mode,
      messages,
      seed,
      timeScale,
      ...(mutant ? { mutant } : {}),
    });
    rows.push({ plan, mode, figures });
    const problems = verdict(plan, figures);
    if (problems.length > 0) failures.push(`${plan.name} (${mode}): ${problems.join(', ')}`);
    console.log(
      `  ${plan.name} (${mode}): ${figures.replies} replies, ${figures.duplicates} duplicates, ${figures.misses} misses, ` +
        `${figures.windowClosed} window closed (${(figures.durationMs / 1000).toFixed(1)} s)` +
        (problems.length > 0 ? ` -- ${problems.join(', ')}` : ''),
    );
  }
} finally {
  await dynamo.stop();
}

console.log(`\n${summaryTable(rows)}\n`);
console.log('* demonstrates the documented exception; duplicates are expected there.\n');
for (const { plan, mode, figures } of rows) {
  console.log(`${planDetail(plan, mode, figures)}\n`);
  for (const failure of figures.failures.slice(0, Number(values.timelines))) {
    console.log(`${failure.problem} for ${failure.pk}:\n${condensedTimeline(failure.timeline).join('\n')}\n`);
  }
}
const flags = [
  `--messages ${messages}`,
  `--seed ${seed}`,
  `--mode ${values.mode}`,
  ...(timeScale !== 1 ? [`--time-scale ${timeScale}`] : []),
  ...(values.plans ? [`--plans ${values.plans}`] : []),
  ...(mutant ? [`--mutant ${mutant}`] : []),
];
console.log(`Reproduce: npm run storm -- ${flags.join(' ')}`);
console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s.`);
if (mutant !== undefined) {
  // A mutant run proves the storm notices a broken protocol: it passes only when duplicates show.
  const detected = rows.some(({ figures }) => figures.duplicates > 0);
  console.log(
    detected ? `\nMutant ${mutant} detected: duplicates reported.` : `\nMutant ${mutant} SURVIVED.`,
  );
  process.exitCode = detected ? 0 : 1;
} else if (failures.length > 0) {
  console.log(`\nGoal missed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  process.exitCode = 1;
}
