/**
 * `npm run storm`: every fault plan against the real handler, DynamoDB Local (started here) and a
 * Graph stub on 127.0.0.1; prints the figures published in docs/RELIABILITY.md.
 *
 *   npm run storm -- --messages 300 --seed 1 --plans baseline,graph-500 --warmup 60 --timelines 2
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../devkit/dynamodb-local';
import { PLANS, planNamed } from './storm/plans';
import { condensedTimeline, planDetail, summaryTable, verdict } from './storm/report';
import { runPlan } from './storm/run-plan';
import { STORM_TIMING } from './storm/storm-app';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: process.env.STORM_MESSAGES ?? '300' },
    seed: { type: 'string', default: '1' },
    plans: { type: 'string' },
    /** Messages of an unreported baseline run first, to warm up DynamoDB Local's JIT and Node's. */
    warmup: { type: 'string', default: '60' },
    /** Timelines printed per plan for messages that got a duplicate or a miss. */
    timelines: { type: 'string', default: '2' },
  },
});
const messages = Number(values.messages);
const seed = Number(values.seed);
if (!Number.isInteger(messages) || messages < 1 || !Number.isInteger(seed)) {
  throw new Error('--messages must be a positive integer and --seed an integer');
}
const plans = values.plans ? values.plans.split(',').map((name) => planNamed(name.trim())) : PLANS;

// The handler's Powertools logger and metrics are read from the environment when the app is built.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const dynamo = await startDynamoDbLocal();
const rows = [];
const failures: string[] = [];
const started = Date.now();
try {
  console.log(
    `storm: ${plans.length} plans x ${messages} messages, seed ${seed}, node ${process.version}, ` +
      `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1)}`,
  );
  const knobs = Object.entries(STORM_TIMING.env).map(([name, value]) => `${name}=${value}`);
  console.log(`  each invocation has ${STORM_TIMING.remainingMs} ms; ${knobs.join(' ')}`);
  const warmup = Number(values.warmup);
  if (warmup > 0) {
    await runPlan(planNamed('baseline'), { endpoint: dynamo.endpoint, messages: warmup, seed: seed + 1 });
    console.log(`  warm-up (${warmup} messages, not reported) done`);
  }
  for (const plan of plans) {
    const figures = await runPlan(plan, { endpoint: dynamo.endpoint, messages, seed });
    rows.push({ plan, figures });
    const problems = verdict(plan, figures);
    if (problems.length > 0) failures.push(`${plan.name}: ${problems.join(', ')}`);
    console.log(
      `  ${plan.name}: ${figures.replies} replies, ${figures.duplicates} duplicates, ${figures.misses} misses ` +
        `(${(figures.durationMs / 1000).toFixed(1)} s)${problems.length > 0 ? ` -- ${problems.join(', ')}` : ''}`,
    );
  }
} finally {
  await dynamo.stop();
}

console.log(`\n${summaryTable(rows)}\n`);
console.log('* demonstrates the documented exception; duplicates are expected there.\n');
for (const { plan, figures } of rows) {
  console.log(`${planDetail(plan, figures)}\n`);
  for (const failure of figures.failures.slice(0, Number(values.timelines))) {
    console.log(`${failure.problem} for ${failure.pk}:\n${condensedTimeline(failure.timeline).join('\n')}\n`);
  }
}
console.log(
  `Reproduce: npm run storm -- --messages ${messages} --seed ${seed}${values.plans ? ` --plans ${values.plans}` : ''}`,
);
console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s.`);
if (failures.length > 0) {
  console.log(`\nGoal missed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  process.exitCode = 1;
}
