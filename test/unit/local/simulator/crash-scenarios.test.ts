import { describe, expect, it } from 'vitest';
import { MENU_INTRO } from '../../../../lambda/bots/default-bot';
import { serveCrashSwitch } from '../../../../local/crash-route';
import { listenOnLoopback } from '../../../../local/http-server';
import { CRASH_SCENARIOS, resumedOnce } from '../../../../local/simulator/crash-scenarios';
import { Simulation } from '../../../../local/simulator/simulation';
import type { SeenReply } from '../../../../local/simulator/sink-reader';

const intro = (attempt: number): SeenReply => ({
  inReplyTo: 'wamid.X',
  text: MENU_INTRO,
  kind: 'text',
  part: 0,
  attempt,
});
const buttons = (attempt: number): SeenReply => ({
  inReplyTo: 'wamid.X',
  text: 'Pick one:',
  kind: 'interactive',
  part: 1,
  attempt,
});

describe('crash-parts at the sink', () => {
  it('passes part 0 by the owner that died, then part 1 by the one that took over', () => {
    expect(resumedOnce([intro(1), buttons(2)], 1)).toEqual([]);
    expect(resumedOnce([intro(2), buttons(3)], 2)).toEqual([]);
  });

  it.each([
    ['a new owner that restarts at part 0', [intro(1), intro(2), buttons(2)]],
    ['part 1 sent by the owner that should have died', [intro(1), buttons(1)]],
    ['part 1 twice', [intro(1), buttons(2), buttons(3)]],
    ['the parts out of order', [buttons(2), intro(1)]],
    ['part 1 never sent', [intro(1)]],
    ['a recomposed first part', [{ ...intro(1), text: 'Something else.' }, buttons(2)]],
  ])('fails %s', (_what, replies) => {
    expect(resumedOnce(replies, 1)).toHaveLength(1);
  });

  const simulationWithSink = (sinkUrl: string | undefined) =>
    new Simulation({
      webhookUrl: 'http://127.0.0.1:9/webhook',
      appSecret: 'secret',
      verifyToken: undefined,
      sinkUrl,
      phoneNumberId: '106540352242922',
      from: '16505551234',
    });
  const [scenario] = CRASH_SCENARIOS;

  it('is skipped, declaring no message, when the target has no sink (a deployed webhook, --graph real)', async () => {
    const sim = simulationWithSink(undefined);

    const outcome = await scenario?.run(sim, { delayMs: 0 });

    expect(outcome?.skipped).toMatch(/crash switch/);
    expect(sim.record.messageIds).toEqual([]);
  });

  it('is skipped, declaring no message, when the server has no crash switch', async () => {
    const server = await listenOnLoopback(
      0,
      (req, res) => serveCrashSwitch(req, res, undefined),
      () => {},
    );
    const sim = simulationWithSink(`http://127.0.0.1:${server.port}/__sink/replies`);
    try {
      const outcome = await scenario?.run(sim, { delayMs: 0 });

      expect(outcome?.skipped).toMatch(/no crash switch at http:\/\/127\.0\.0\.1:\d+\/__faults\/crash/);
      expect(sim.record.messageIds).toEqual([]);
    } finally {
      await server.close(0);
    }
  });
});
