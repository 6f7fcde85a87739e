import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBot, startExampleBot } from '../../local/example-bot';
import { parseSimulateOptions, resolveTarget } from '../../local/simulator/options';
import { runScenarios } from '../../local/simulator/run-scenarios';
import { SCENARIOS } from '../../local/simulator/scenarios';
import { Simulation } from '../../local/simulator/simulation';
import { awaitReplies, countByMessage } from '../../local/simulator/sink-reader';
import { cleanEnv, runSimulateCommand, type ServerProcess, startServerProcess } from './server-process';

// `npm start -- --bot example | example-rasa`: the Python example bot (examples/python-bot/bot.py)
// behind BOT_URL, with no TypeScript change, and every scenario of `npm run simulate` against it.
// The simulator learns the bot from the server's session file, as `npm run simulate` does.

/**
 * Messages of the scenarios for any bot that expect a reply: handshake to bad-signature (15) and
 * read-receipt (1; these servers run with --read-receipts, so it runs against each example bot too).
 */
const ANY_BOT_REPLIES = 16;
const READY_MS = 90_000;

const runsFor = (bot: LocalBot) =>
  SCENARIOS.filter((scenario) => scenario.bot === undefined || scenario.bot === bot).map(({ name }) => name);

function exampleBotSuite(bot: 'example' | 'example-rasa', mode: 'inline' | 'queued', expectingReply: number) {
  describe(`npm start -- --bot ${bot} --mode ${mode}`, () => {
    let server: ServerProcess;
    const simulation = async () =>
      new Simulation(await resolveTarget(parseSimulateOptions(['--url', server.webhookUrl]), {}));

    beforeAll(async () => {
      const flags = ['--bot', bot, '--mode', mode, '--read-receipts', '--log-level', 'WARN'];
      server = await startServerProcess(flags, {
        readyTimeoutMs: READY_MS,
      });
    }, READY_MS + 10_000);

    afterAll(async () => {
      await server?.shutdown();
    });

    it('names the example bot in its banner', () => {
      expect(server.output()).toMatch(
        new RegExp(`Bot\\s+examples/python-bot/bot\\.py, .* \\(--bot ${bot}\\)`),
      );
    });

    it('passes every scenario for this bot, each message answered exactly once', {
      timeout: 240_000,
    }, async () => {
      const sim = await simulation();
      const results = await runScenarios(sim, [], { delayMs: 300 });

      expect(sim.target.bot).toBe(bot);
      expect(
        results.filter((result) => !result.skipped).map((result) => [result.name, result.problems]),
      ).toEqual(runsFor(bot).map((name) => [name, []]));
      const seen = await awaitReplies(sim.target.sinkUrl, sim.prefix, sim.record.expectingReply(), {
        timeoutMs: mode === 'queued' ? 150_000 : 5_000,
        settleMs: 1_000,
        pollMs: 100,
      });
      const summary = sim.record.summarize(countByMessage(seen));
      expect(summary.expectingReply).toBe(expectingReply);
      expect(summary.replies).toEqual({
        total: expectingReply,
        answeredOnce: expectingReply,
        duplicateReplies: 0,
        missed: 0,
        unexpected: 0,
      });
    });

    it('stops the bot with the server on Ctrl-C', async () => {
      const botUrl = /Bot\s+\S+, .*? at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())?.[1];
      expect(botUrl).toBeDefined();
      expect((await fetch(botUrl ?? '')).status).toBe(200);

      expect(await server.stop('SIGINT')).toBe(0);
      await expect(fetch(botUrl ?? '')).rejects.toThrow();
    });
  });
}

// The scenarios for any bot (16) plus the example bot's 10 scenarios (11 messages: two taps).
exampleBotSuite('example', 'inline', ANY_BOT_REPLIES + 11);
// Plus the Rasa shape's 4 scenarios, one message each.
exampleBotSuite('example-rasa', 'inline', ANY_BOT_REPLIES + 4);
exampleBotSuite('example', 'queued', ANY_BOT_REPLIES + 11);

describe('any bot behind an exported BOT_URL, with no TypeScript change', () => {
  it('answers through it, and simulate -- --bot example runs the scenarios written for it', async () => {
    const bot = await startExampleBot('example');
    const server = await startServerProcess(['--quiet'], {
      env: { ...cleanEnv(), BOT_URL: bot.url, BOT_SECRET: bot.secret },
    });
    try {
      const run = await runSimulateCommand(['--url', server.webhookUrl, '--bot', 'example']);

      expect(server.output()).toMatch(/Bot\s+BOT_URL from your environment/);
      expect(run.output).toMatch(/ok\s+ex-two-parts/);
      expect(run.output).toMatch(/skip\s+menu/);
      expect(run.output).toContain('OK: every message was answered exactly once.');
      expect(run.code).toBe(0);
    } finally {
      await server.stop('SIGINT');
      await bot.stop();
    }
  });
});

describe('npm start -- --bot example without python3', () => {
  it('exits 1 with one sentence saying the example bot needs Python 3', async () => {
    const started = startServerProcess(['--bot', 'example'], {
      env: { ...cleanEnv(), PATH: '/nonexistent' },
    });

    await expect(started).rejects.toThrow(/exited with 1/);
    await expect(started).rejects.toThrow(
      /--bot example runs examples\/python-bot\/bot\.py, which needs Python 3/,
    );
  });
});

describe('npm run simulate against the default bot', () => {
  it('skips the example bot scenarios, naming the flag that runs them, and exits 0', async () => {
    const server = await startServerProcess(['--quiet']);
    try {
      const run = await runSimulateCommand([
        '--url',
        server.webhookUrl,
        '--scenario',
        'single,ex-list,rasa-tap',
      ]);

      expect(run.output).toMatch(/ok\s+single/);
      expect(run.output).toMatch(/skip\s+ex-list .* start the server with --bot example\n/);
      expect(run.output).toMatch(/skip\s+rasa-tap .* start the server with --bot example-rasa\n/);
      expect(run.code).toBe(0);
    } finally {
      await server.stop('SIGINT');
    }
  });
});
