import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messagesWebhook, metaJson } from '../../devkit/meta/meta-json';
import { signedPost } from '../../devkit/webhook-events';
import { leaks } from '../support/log-capture';
import { HANDSHAKES, SIGNATURES, SIGNED_BUT_ODD, signed, TEXT } from './bad-input-cases';
import {
  PHONE_NUMBER_ID,
  SECRETS,
  type SecurityHarness,
  sensitive,
  startSecurityHarness,
} from './security-harness';

let h: SecurityHarness;
beforeAll(async () => {
  h = await startSecurityHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.reset());

describe.each([
  ['a bad signature', SIGNATURES],
  ['a signed but odd body', SIGNED_BUT_ODD],
  ['a handshake or another method', HANDSHAKES],
])('%s', (_, cases) => {
  it.each(cases)('$name: answers $status, logs it, does not crash or leak', async (input) => {
    const result = await h.invoke(input.event());

    expect(result.statusCode).toBe(input.status);
    expect(h.logs.messages().some((message) => message.includes(input.log))).toBe(true);
    expect(h.logs.messages()).not.toContain('Unhandled error');
    expect(h.writes()).toBe(input.writes ?? 0);
    if (input.status === 401) expect(h.requests).toEqual({});
    expect(leaks(h.logs.lines(), sensitive({ texts: [TEXT] }))).toEqual([]);
  });
});

describe('large signed bodies', () => {
  it('answers each of 1 000 messages in one body exactly once', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `wamid.HBgLbulk${String(i).padStart(4, '0')}`);
    const result = await h.invoke(
      signed(
        messagesWebhook(
          PHONE_NUMBER_ID,
          ids.map((id) => ({ id, text: TEXT })),
        ),
      ),
    );

    expect(result.statusCode).toBe(200);
    expect(new Set(h.graph.requests.map((r) => r.inReplyTo)).size).toBe(1000);
    expect(h.graph.requests).toHaveLength(1000);
    expect(leaks(h.logs.lines(), sensitive({ texts: [TEXT] }))).toEqual([]);
  });

  it('takes a 3 MB body and cuts the reply to 4 096 characters', async () => {
    const text = `${TEXT} ${'x'.repeat(3 * 1024 * 1024)}`;
    const raw = metaJson(messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.HBgLhuge', text }]));
    expect(raw.length).toBeGreaterThan(3 * 1024 * 1024);
    const result = await h.invoke(signedPost(raw, SECRETS.appSecret));

    expect(result.statusCode).toBe(200);
    const reply = h.graph.requests[0]?.body.text as { body?: string } | undefined;
    expect(reply?.body?.length).toBeLessThanOrEqual(4096);
    expect(leaks(h.logs.lines(), sensitive({ texts: [TEXT] }))).toEqual([]);
  });
});
