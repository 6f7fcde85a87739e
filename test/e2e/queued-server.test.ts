import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REDELIVERY } from '../../local/simulator/meta-client';
import { runScenarios } from '../../local/simulator/run-scenarios';
import { Simulation } from '../../local/simulator/simulation';
import { awaitReplies, countByMessage } from '../../local/simulator/sink-reader';
import { runStorm } from '../../local/simulator/storm';
import { cleanEnv, runSimulateCommand, type ServerProcess, startServerProcess } from './server-process';

const APP_SECRET = 'e2e-queued-app-secret';
// DynamoDB Local (java) starts in seconds on a quiet machine, in tens on a busy one.
const READY_MS = 90_000;

describe('npm start -- --mode queued: webhook, stream worker and re-drives on DynamoDB Local', () => {
  let server: ServerProcess;
  const simulation = () =>
    new Simulation({
      webhookUrl: server.webhookUrl,
      appSecret: APP_SECRET,
      verifyToken: undefined,
      sinkUrl: new URL('/__sink/replies', server.webhookUrl).href,
      phoneNumberId: '106540352242922',
      from: '16505551234',
      replyMode: 'queued',
    });
  const repliesOf = async (sim: Simulation) =>
    countByMessage(await awaitReplies(sim.target.sinkUrl, sim.prefix, sim.record.expectingReply()));

  beforeAll(async () => {
    server = await startServerProcess(
      ['--mode', 'queued', '--app-secret', APP_SECRET, '--log-level', 'WARN'],
      {
        readyTimeoutMs: READY_MS,
      },
    );
  }, READY_MS + 10_000);

  afterAll(async () => {
    await server?.shutdown();
  });

  it('shows the reply mode, the worker and the re-drive queue in its banner', () => {
    expect(server.output()).toMatch(/Reply mode\s+queued/);
    expect(server.output()).toMatch(/Worker\s+lambda\/worker\.ts on the table stream/);
    expect(server.output()).toMatch(/DynamoDB\s+DynamoDB Local \(java\)/);
  });

  // Generous: a reply whose lease was lost to a slow store write comes from a re-drive a minute later,
  // and crash-parts waits for one on purpose (the dead worker's 60 s lease, plus the grace).
  it('passes every scenario, the replies coming from the worker after each 200', {
    timeout: 300_000,
  }, async () => {
    const sim = simulation();
    const results = await runScenarios(sim, [], { delayMs: 300 });

    expect(results.map((result) => [result.name, result.problems])).toEqual(
      results.map((result) => [result.name, []]),
    );
    const summary = sim.record.summarize(await repliesOf(sim));
    expect(summary.expectingReply).toBe(20);
    expect(summary.replies).toEqual({
      total: 20,
      answeredOnce: 20,
      duplicateReplies: 0,
      missed: 0,
      unexpected: 0,
    });
    expect(server.output()).toMatch(/worker {2}stream batch of \d+ records? in \d+ ms/);
    expect(server.output()).toMatch(
      /worker {2}stream batch of 1 record died at the crash switch \(retried\)/,
    );
  });

  it('answers a storm of copies 200 and replies to each message once', { timeout: 240_000 }, async () => {
    const sim = simulation();
    const { gaveUp } = await runStorm(sim, {
      messages: 40,
      copies: 3,
      concurrency: 8,
      spreadMs: 200,
      seed: 11,
      redelivery: DEFAULT_REDELIVERY,
    });
    const summary = sim.record.summarize(await repliesOf(sim));

    expect(gaveUp).toBe(0);
    expect(summary.statusCounts).toEqual({ 200: summary.requests });
    expect(summary.duplicateDeliveries).toBeGreaterThan(10);
    expect(summary.replies).toMatchObject({ answeredOnce: 40, duplicateReplies: 0, missed: 0 });
  });

  it('makes the simulate command wait for queued replies and exit 0', { timeout: 240_000 }, async () => {
    const run = await runSimulateCommand(['--url', server.webhookUrl, '--scenario', 'single,twice']);

    expect(run.output).toContain('OK: every message was answered exactly once.');
    expect(run.code).toBe(0);
  });

  it('stops cleanly on Ctrl-C, worker included', async () => {
    expect(await server.stop('SIGINT')).toBe(0);
    expect(server.output()).toContain('Stopped.');
  });
});

describe('npm start -- --mode queued without java', () => {
  it('exits 1 with one sentence saying queued mode needs Java 17', async () => {
    // No directory on the PATH holds java: the server is started with node's own path.
    const env = { ...cleanEnv(), PATH: '/nonexistent' };
    const started = startServerProcess(['--mode', 'queued'], { env });

    await expect(started).rejects.toThrow(/exited with 1/);
    await expect(started).rejects.toThrow(
      /queued mode needs Java 17 for DynamoDB Local: no java on the PATH/,
    );
  });
});
