import { UsageError } from './options';
import { parseSimulateOptions, resolveTarget, SIMULATE_USAGE } from './simulator/options';
import { progressLine, scenarioLine, summaryBlock } from './simulator/report';
import { problemsOf } from './simulator/run-record';
import { runScenarios } from './simulator/run-scenarios';
import { Simulation } from './simulator/simulation';
import { awaitReplies, countByMessage, readSink } from './simulator/sink-reader';
import { runStorm } from './simulator/storm';

/** `npm run simulate`: plays Meta against a webhook and says whether every message was answered once. */
async function main(): Promise<number> {
  const options = parseSimulateOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(SIMULATE_USAGE);
    return 0;
  }
  const target = await resolveTarget(options, process.env);
  const sim = new Simulation(target, options.redelivery);
  const say = options.json ? () => {} : (line: string) => console.log(line);
  say(`Playing Meta against ${target.webhookUrl}`);
  say(
    target.sinkUrl === undefined
      ? '  replies: not visible from here; only HTTP answers are checked'
      : `  replies: read from ${target.sinkUrl}`,
  );
  say('');

  let failed = false;
  let extra: { gaveUp?: number; elapsedMs?: number } = {};
  if (options.storm) {
    const storm = options.storm;
    say(
      `Storm: ${storm.messages} messages, 1 to ${storm.copies} copies each, ${storm.concurrency} in flight at most`,
    );
    const live = process.stderr.isTTY && !options.json;
    let lastPrinted = 0;
    const started = performance.now();
    const outcome = await runStorm(sim, storm, (progress) => {
      if (live) process.stderr.write(`\r${progressLine(progress)}\u001b[K`);
      else if (!options.json && progress.elapsedMs - lastPrinted >= 2_000) {
        lastPrinted = progress.elapsedMs;
        console.error(progressLine(progress));
      }
    });
    if (live) process.stderr.write('\n');
    extra = { gaveUp: outcome.gaveUp, elapsedMs: performance.now() - started };
    failed = outcome.gaveUp > 0;
  } else {
    const results = await runScenarios(sim, options.scenarios, { delayMs: options.delayMs }, (result) =>
      say(scenarioLine(result)),
    );
    failed = results.some((result) => result.problems.length > 0);
  }

  if (target.replyMode === 'queued') {
    say('Waiting for the worker to reply to every message (queued mode; a re-drive can take a minute)...');
  }
  const seen =
    target.replyMode === 'queued'
      ? await awaitReplies(target.sinkUrl, sim.prefix, sim.record.expectingReply())
      : await readSink(target.sinkUrl, sim.prefix);
  const summary = sim.record.summarize(countByMessage(seen));
  const problems = problemsOf(summary);
  failed ||= problems.length > 0;
  if (options.json) {
    console.log(JSON.stringify({ ok: !failed, summary, ...extra }, null, 2));
  } else {
    say('');
    say(summaryBlock(summary, extra));
    say('');
    say(
      failed
        ? `FAILED: ${problems.length > 0 ? problems.join('; ') : 'see the lines marked FAIL above'}`
        : summary.replies === undefined
          ? 'OK: every delivery got the expected HTTP answer (replies not visible here).'
          : 'OK: every message was answered exactly once.',
    );
  }
  return failed ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n\n${SIMULATE_USAGE}`);
  process.exitCode = 2;
}
