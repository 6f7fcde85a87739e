import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GraphStub } from '../../devkit/graph-stub';
import { messagesWebhook } from '../../devkit/meta/meta-json';
import { STALE_APOLOGY } from '../../lambda/bots/default-bot';
import { METRIC } from '../../lambda/observability/metric-names';
import { type CapturedLogs, captureLogs } from '../support/log-capture';
import { PHONE_NUMBER_ID, startHarness } from './harness';
import { startQueuedHarness } from './queued/queued-harness';

// Issue #13 item 4, "the same in inline and queued mode": one window and staleness policy in the
// owner, so both modes count a stale answer and a closed window alike, as the dashboard graphs them.
interface Mode {
  graph: GraphStub;
  deliver(body: unknown): Promise<unknown>;
  record(messageId: string): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

const MODES: [string, () => Promise<Mode>][] = [
  ['inline', () => startHarness()],
  ['queued', () => startQueuedHarness()],
];

let mode: Mode | undefined;
let logs: CapturedLogs | undefined;
afterEach(async () => {
  await mode?.close();
  logs?.restore();
  vi.unstubAllEnvs();
});

const HOUR_MS = 3_600_000;
/** EMF lines that counted `metric` once (each message is its own invocation, so its own flush). */
const counted = (metric: string) => logs?.lines().filter((line) => line.includes(`"${metric}":1`)).length;

describe.each(MODES)('late messages, %s', (_, start) => {
  it('answers a 2 h old message once with the apology, counted stale; a 25 h old one not at all, counted window-closed', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    logs = captureLogs();
    const m = await start();
    mode = m;
    const now = Date.now();

    await m.deliver(
      messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.late-stale', text: 'test' }], now - 2 * HOUR_MS),
    );
    await m.deliver(
      messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.late-old', text: 'test' }], now - 25 * HOUR_MS),
    );
    await m.deliver(messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.late-fresh', text: 'test' }], now));

    await until(async () => {
      const states = await Promise.all(
        ['wamid.late-stale', 'wamid.late-old', 'wamid.late-fresh'].map(m.record),
      );
      return states.map((r) => r?.state).join() === 'done,failed,done';
    });
    const texts = (id: string) =>
      m.graph.accepted
        .filter((a) => a.request.inReplyTo === id)
        .map((a) => (a.request.body.text as { body: string }).body);
    expect(texts('wamid.late-stale')).toEqual([`${STALE_APOLOGY}test is working`]);
    expect(texts('wamid.late-old')).toEqual([]);
    expect(texts('wamid.late-fresh')).toEqual(['test is working']);
    expect(await m.record('wamid.late-old')).toMatchObject({ errorCode: 131047 });
    expect([counted(METRIC.staleComposed), counted(METRIC.windowClosed)]).toEqual([1, 1]);
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the messages to settle');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
