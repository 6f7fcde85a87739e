/**
 * npm run model: model-checks the claim protocol with SPIN, inline mode (model/claim.pml) and queued
 * mode (model/queued.pml); see docs/PROTOCOL.md. MODEL_ONLY=<text> runs the checks whose name has it;
 * MODEL_LONG=1 adds the long checks (over ten minutes each), which the default run only lists.
 * Installs nothing: it needs `spin` and `gcc` on PATH (spin preprocesses with gcc; .ci/run installs
 * both when missing).
 * Each check is generated, compiled and run in its own temporary directory. Exits non-zero when a
 * property fails on the faithful model, when a mutant is not caught, or when a search is incomplete.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS, type Check } from './model-checks';
import { type PanReport, readPanOutput, readTrail } from './model-pan';

const MODEL_DIR = join(import.meta.dirname, '..', 'model');
/** pan refuses to grow past this (MB); the largest check needs about 800. */
const MEMORY_LIMIT_MB = 3072;
const RUN_TIMEOUT_MS = 300_000;
/** A long check's pan run: the queued parts liveness search took 735 s on a busy 2-core machine. */
const LONG_RUN_TIMEOUT_MS = 3_600_000;
const TRAIL_LINES = 40;

interface Outcome {
  check: Check;
  report: PanReport;
  ok: boolean;
  verdict: string;
  trail: string[];
  wallSeconds: number;
}

/** Runs a command to its end and returns its exit status and everything it printed. */
function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs = RUN_TIMEOUT_MS,
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** The first of `candidates` that can be started (its exit status does not matter). */
function findTool(candidates: string[]): string | undefined {
  return candidates.find((tool) => spawnSync(tool, ['-V'], { encoding: 'utf8' }).error === undefined);
}

async function checkOne(check: Check, compiler: string, root: string): Promise<Outcome> {
  const started = Date.now();
  const dir = join(root, check.name.replace(/[^a-z0-9]+/gi, '-'));
  cpSync(MODEL_DIR, dir, { recursive: true });
  const defines = check.defines.map((define) => `-D${define}`);

  const model = check.model ?? 'claim.pml';
  const generated = await run('spin', ['-a', ...defines, model], dir);
  if (generated.status !== 0) throw new Error(`spin -a failed for ${check.name}:\n${generated.output}`);
  const collapse = check.collapse ? ['-DCOLLAPSE'] : [];
  const cflags =
    check.mode === 'liveness' ? ['-DNFAIR=3', ...collapse] : ['-DNOCLAIM', '-DSAFETY', ...collapse];
  const compiled = await run(
    compiler,
    ['-O2', '-w', `-DMEMLIM=${MEMORY_LIMIT_MB}`, ...cflags, '-o', 'pan', 'pan.c'],
    dir,
  );
  if (compiled.status !== 0) throw new Error(`${compiler} failed for ${check.name}:\n${compiled.output}`);
  // A fair search runs deep before it closes a cycle; this depth fits the faithful model (about 1,000)
  // and keeps a mutant's trail short. Too small a bound shows as INCOMPLETE, never as "holds".
  const panArgs = check.mode === 'liveness' ? ['-a', '-f', '-m5000', '-n'] : ['-m1000000', '-n'];
  const report = readPanOutput(
    (await run('./pan', panArgs, dir, check.long ? LONG_RUN_TIMEOUT_MS : RUN_TIMEOUT_MS)).output,
  );

  const trail =
    report.violated === undefined
      ? []
      : readTrail((await run('spin', ['-t', ...defines, model], dir)).output);
  return { check, report, trail, wallSeconds: (Date.now() - started) / 1000, ...judge(check, report, trail) };
}

function judge(check: Check, report: PanReport, trail: string[]): { ok: boolean; verdict: string } {
  const { violated, incomplete } = report;
  if (violated === 'model-bound') return { ok: false, verdict: 'model bound MAXATT too small' };
  if (check.violatedBy.length === 0) {
    if (violated !== undefined) return { ok: false, verdict: `VIOLATED: ${violated}` };
    if (incomplete !== undefined || report.errors !== 0)
      return { ok: false, verdict: `INCOMPLETE: ${incomplete ?? 'pan did not finish its search'}` };
    return { ok: true, verdict: 'holds' };
  }
  if (violated === undefined) return { ok: false, verdict: 'NOT CAUGHT: no counter-example' };
  if (violated === 'unknown' || !check.violatedBy.includes(violated)) {
    return { ok: false, verdict: `caught by an unexpected property: ${violated}` };
  }
  if (check.trailMentions !== undefined && !trail.some((line) => line.includes(check.trailMentions ?? ''))) {
    return { ok: false, verdict: `${violated} violated, but not by the expected trail` };
  }
  return { ok: true, verdict: `counter-example: ${violated} violated` };
}

const figure = (value: number | undefined): string =>
  value === undefined ? '?' : value.toLocaleString('en-US');

function print(outcome: Outcome): void {
  const { check, report, ok, verdict, trail, wallSeconds } = outcome;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(34)} ${verdict}`);
  console.log(`     ${check.claim}`);
  if (check.note !== undefined) console.log(`     note: ${check.note}`);
  console.log(
    `     ${figure(report.statesStored)} states stored, ${figure(report.transitions)} transitions, ` +
      `pan ${report.seconds ?? '?'} s, ${wallSeconds.toFixed(1)} s with generation and compilation`,
  );
  if (trail.length > 0) {
    const shown = trail.length > TRAIL_LINES ? ['...', ...trail.slice(-TRAIL_LINES)] : trail;
    console.log(`     trail (${trail.length} events):`);
    for (const line of shown) console.log(`       ${line}`);
  }
}

/**
 * Every check, or those whose name contains MODEL_ONLY (say `MODEL_ONLY=queued`); a long check only
 * when MODEL_LONG=1 or MODEL_ONLY names it whole.
 */
function selectedChecks(): Check[] {
  const only = process.env.MODEL_ONLY;
  const named = only === undefined ? CHECKS : CHECKS.filter((check) => check.name.includes(only));
  return named.filter((check) => !check.long || process.env.MODEL_LONG === '1' || check.name === only);
}

/** The long checks this run leaves out, named so the output says what was not verified. */
function longChecksLeftOut(selected: Check[]): Check[] {
  return CHECKS.filter((check) => check.long && !selected.includes(check));
}

/** Runs the checks JOBS at a time and prints each outcome in the order of CHECKS. */
async function runAll(checks: Check[], compiler: string, root: string, jobs: number): Promise<Outcome[]> {
  const outcomes: Promise<Outcome>[] = [];
  const running = new Set<Promise<Outcome>>();
  for (const check of checks) {
    while (running.size >= jobs) await Promise.race(running);
    const outcome = checkOne(check, compiler, root);
    running.add(outcome);
    void outcome.finally(() => running.delete(outcome)).catch(() => undefined);
    outcomes.push(outcome);
  }
  const results: Outcome[] = [];
  for (const outcome of outcomes) {
    results.push(await outcome);
    print(results[results.length - 1] as Outcome);
  }
  return results;
}

async function main(): Promise<number> {
  const spin = findTool(['spin']);
  const compiler = findTool(['gcc']);
  const missing = [
    spin === undefined ? 'spin (Debian package spin)' : undefined,
    compiler === undefined ? 'gcc (Debian package gcc)' : undefined,
  ].filter((tool) => tool !== undefined);
  if (spin === undefined || compiler === undefined) {
    console.error(`npm run model needs ${missing.join(' and ')} on PATH; .ci/run installs them.`);
    return 2;
  }
  // Two at a time by default: the machine has two cores; MODEL_JOBS=1 on a busy one.
  const jobs = Math.max(1, Number(process.env.MODEL_JOBS ?? Math.min(2, availableParallelism())) || 1);
  const version = (await run('spin', ['-V'], '.')).output.trim();
  console.log(`${version}; compiler ${compiler}; ${jobs} checks at a time`);
  const root = mkdtempSync(join(tmpdir(), 'whatsapp-once-model-'));
  const started = Date.now();
  try {
    const checks = selectedChecks();
    const outcomes = await runAll(checks, compiler, root, jobs);
    const passed = outcomes.filter((outcome) => outcome.ok).length;
    const failed = outcomes.length - passed;
    console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s in all`);
    console.log(`model: ${passed} passed, ${failed} failed`);
    for (const check of longChecksLeftOut(checks)) {
      console.log(`not run (long; MODEL_LONG=1 to include): ${check.name}; last result in docs/PROTOCOL.md`);
    }
    return failed === 0 ? 0 : 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();
