import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulateOptions, resolveTarget } from '../../local/simulator/options';
import { runScenarios } from '../../local/simulator/run-scenarios';
import { Simulation } from '../../local/simulator/simulation';
import { readReceipts } from '../../local/simulator/sink-reads';
import { runSimulateCommand, type ServerProcess, startServerProcess } from './server-process';

// DynamoDB Local (java) starts in seconds on a quiet machine, in tens on a busy one.
const READY_MS = 90_000;

describe.each([
  { mode: 'inline', args: [] },
  { mode: 'queued', args: ['--mode', 'queued'] },
])('npm start -- --read-receipts ($mode)', ({ mode, args }) => {
  let server: ServerProcess;
  /** The simulator as `npm run simulate` sets itself up: from the running server's session file. */
  const simulation = async () =>
    new Simulation(await resolveTarget(parseSimulateOptions(['--url', server.webhookUrl]), {}));

  beforeAll(async () => {
    server = await startServerProcess([...args, '--read-receipts', '--log-level', 'WARN'], {
      readyTimeoutMs: READY_MS,
    });
  }, READY_MS + 10_000);

  afterAll(async () => {
    await server?.shutdown();
  });

  it('says so in its banner and its session file', async () => {
    expect(server.output()).toMatch(
      /Read receipts on: each message is marked read with the typing indicator/,
    );
    expect((await simulation()).target).toMatchObject({
      readReceipts: { markAsRead: true, typingIndicator: true },
      replyMode: mode,
    });
  });

  it('sends one receipt with the typing indicator before the reply, and none typing past the window', {
    timeout: 240_000,
  }, async () => {
    const sim = await simulation();
    const results = await runScenarios(sim, ['read-receipt', 'window-closed'], { delayMs: 0 });

    expect(results.map((result) => [result.name, result.problems, result.skipped])).toEqual([
      ['read-receipt', [], undefined],
      ['window-closed', [], undefined],
    ]);
    expect(results[0]?.summary.replies).toMatchObject({ answeredOnce: 1, duplicateReplies: 0, missed: 0 });
    const [answered, old, fresh] = sim.record.messageIds;
    const reads = (await readReceipts(sim.target.sinkUrl, sim.prefix)) ?? [];
    expect(reads.map((read) => [read.messageId, read.typing]).sort()).toEqual(
      [
        [answered, true],
        [old, false],
        [fresh, true],
      ].sort(),
    );
    expect(server.output()).toContain(`-> read ${answered} (typing...)`);
  });

  it('makes the simulate command pass the read-receipt scenario', { timeout: 240_000 }, async () => {
    const run = await runSimulateCommand(['--url', server.webhookUrl, '--scenario', 'read-receipt']);

    expect(run.output).toMatch(/ok\s+read-receipt/);
    expect(run.output).toContain('OK: every message was answered exactly once.');
    expect(run.code).toBe(0);
  });
});
