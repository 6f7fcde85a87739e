import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_SECRET } from '../integration/harness';
import { type QueuedHarness, startQueuedHarness } from '../integration/queued/queued-harness';
import { type CapturedLogs, captureLogs, leaks } from '../support/log-capture';

const TEXT = 'my card number is 4111 1111 1111 1111, please help';
const SENDER = '447700900123';

let h: QueuedHarness;
let logs: CapturedLogs;
beforeEach(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  logs = captureLogs();
});
afterEach(async () => {
  await h?.close();
  logs.restore();
  vi.unstubAllEnvs();
});

const leaksNow = () =>
  leaks(logs.lines(), {
    secrets: [APP_SECRET, 'integration-access-token', 'integration-verify-token'],
    phoneNumbers: [SENDER],
    texts: [TEXT],
  });

describe('queued mode log hygiene', () => {
  it('keeps secrets, phone numbers and text out of the webhook and worker lines, re-drives included', async () => {
    h = await startQueuedHarness();
    h.graph.behave(() =>
      h.graph.requests.length <= 3 ? { kind: 'error', status: 503, code: 131016 } : { kind: 'accept' },
    );

    await h.deliver(h.messages([{ id: 'wamid.hygiene1', from: SENDER, text: TEXT }]));
    await h.until(async () => (await h.record('wamid.hygiene1'))?.state === 'done');

    expect(logs.messages()).toEqual(expect.arrayContaining(['Re-drive scheduled', 'Reply sent']));
    expect(leaksNow()).toEqual([]);
  });

  it('keeps them out of the lines of a message whose reply window closed', async () => {
    h = await startQueuedHarness();
    const sentAt = h.clock.now() - 25 * 3_600_000;

    await h.deliver(h.messages([{ id: 'wamid.hygiene2', from: SENDER, text: TEXT }], sentAt));
    await h.until(async () => (await h.record('wamid.hygiene2'))?.state === 'failed');

    expect(logs.messages()).toContain('Reply window closed before a reply could be sent');
    expect(leaksNow()).toEqual([]);
  });
});
