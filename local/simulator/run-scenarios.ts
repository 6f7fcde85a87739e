import type { LocalBot } from '../example-bot';
import { problemsOf, type RunSummary } from './run-record';
import { SCENARIOS, type Scenario, type ScenarioSettings } from './scenarios';
import type { Simulation } from './simulation';
import { awaitReplies, countByMessage, readSink, type SeenReply } from './sink-reader';

export interface ScenarioResult {
  name: string;
  title: string;
  /** Empty when the scenario passed. */
  problems: string[];
  skipped: string | undefined;
  summary: RunSummary;
}

/**
 * Runs scenarios one after another (each one's duplicates must not overlap another's), then checks
 * each against the sink: every message it sent answered once, with the text the bot should give.
 */
export async function runScenarios(
  sim: Simulation,
  names: string[],
  settings: ScenarioSettings,
  onResult: (result: ScenarioResult) => void = () => {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const bot = sim.target.bot ?? 'default';
  for (const scenario of selected(names)) {
    if (scenario.bot !== undefined && scenario.bot !== bot) {
      const result = notForThisBot(sim, scenario, bot);
      results.push(result);
      onResult(result);
      continue;
    }
    const before = new Set(sim.record.messageIds);
    const firstAttempt = sim.record.attempts.length;
    const outcome = await scenario.run(sim, settings);
    const ids = sim.record.messageIds.filter((id) => !before.has(id));
    const attempts = sim.record.attempts.slice(firstAttempt);
    // Inline, a reply is sent before the 200; queued, the worker sends it after: wait for it then.
    const seen =
      sim.target.replyMode === 'queued'
        ? await awaitReplies(sim.target.sinkUrl, sim.prefix, sim.record.expectingReply(ids))
        : await readSink(sim.target.sinkUrl, sim.prefix);
    const summary = sim.record.summarize(countByMessage(seen), { ids, attempts });
    const problems = [
      ...outcome.problems,
      ...problemsOf(summary),
      // A scenario for any bot names the default bot's answers; another bot answers in its own words.
      ...(scenario.bot === undefined && bot !== 'default' ? [] : wrongTexts(seen, outcome.expectedTexts)),
    ];
    const result = {
      name: scenario.name,
      title: scenario.title,
      problems,
      skipped: outcome.skipped,
      summary,
    };
    results.push(result);
    onResult(result);
  }
  return results;
}

/** A scenario written for another bot: nothing is sent, and the line says how to run it. */
function notForThisBot(sim: Simulation, scenario: Scenario, bot: LocalBot): ScenarioResult {
  return {
    name: scenario.name,
    title: scenario.title,
    problems: [],
    skipped:
      scenario.bot === 'default'
        ? `for the default bot (this server runs ${bot}): start the server without --bot`
        : `for the ${scenario.bot} bot: start the server with --bot ${scenario.bot}`,
    summary: sim.record.summarize(new Map(), { ids: [], attempts: [] }),
  };
}

function selected(names: string[]): Scenario[] {
  if (names.length === 0) return SCENARIOS;
  return names.map((name) => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === name);
    if (!scenario) throw new Error(`unknown scenario "${name}"`);
    return scenario;
  });
}

function wrongTexts(seen: SeenReply[] | undefined, expected: Map<string, string> | undefined): string[] {
  if (seen === undefined || expected === undefined) return [];
  return [...expected].flatMap(([id, text]) => {
    const replies = seen.filter((reply) => reply.inReplyTo === id);
    // A message with no reply at all is already counted as missed.
    return replies.every((reply) => reply.text === text)
      ? []
      : [`expected the reply "${text}" to ${id}, saw ${JSON.stringify(replies.map((reply) => reply.text))}`];
  });
}
