import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../devkit/dynamodb-local';
import { messagesWebhook, metaJson, statusWebhook } from '../../devkit/meta/meta-json';
import { apiEvent, signedPost } from '../../devkit/webhook-events';
import { SECRET_PLACEHOLDER } from '../../lambda/config/secret-placeholder';
import { leaks } from '../support/log-capture';
import {
  PHONE_NUMBER_ID,
  SECRETS,
  type SecurityHarness,
  sensitive,
  startSecurityHarness,
} from './security-harness';

const TEXT = 'my card number is 4111 1111 1111 1111, please help';
const SENDER = '447700900123';
const leaksOf = (h: SecurityHarness) =>
  leaks(h.logs.lines(), sensitive({ phoneNumbers: [SENDER], texts: [TEXT] }));
const message = (id: string) => messagesWebhook(PHONE_NUMBER_ID, [{ id, from: SENDER, text: TEXT }]);
const signed = (value: unknown) => signedPost(metaJson(value), SECRETS.appSecret);

let h: SecurityHarness;
afterEach(async () => {
  await h?.close();
});

describe('log hygiene', () => {
  it('logs the message text only when LOG_MESSAGE_CONTENT=true (and then the check sees it)', async () => {
    h = await startSecurityHarness({ LOG_MESSAGE_CONTENT: 'true' });
    await h.invoke(signed(message('wamid.HBgLhygiene01')));
    expect(leaksOf(h).some((leak) => leak.startsWith('message text'))).toBe(true);
  });

  it('keeps secrets, phone numbers and text out of the lines of a normal reply', async () => {
    h = await startSecurityHarness();
    await h.invoke(signed(message('wamid.HBgLhygiene02')));
    await h.invoke(signed(message('wamid.HBgLhygiene02')));
    expect(h.logs.messages()).toContain('Reply sent');
    expect(leaksOf(h)).toEqual([]);
  });

  it.each([
    ['a permanent Graph error', { kind: 'error', status: 400, code: 131047 }],
    ['a retryable Graph error', { kind: 'error', status: 500, code: 131000 }],
    ['throttling', { kind: 'error', status: 400, code: 130429 }],
    ['a send that times out', { kind: 'hang' }],
  ] as const)('keeps them out of the lines about %s', async (_, behaviour) => {
    h = await startSecurityHarness({ SEND_TIMEOUT_MS: '300', SEND_MAX_ATTEMPTS: '2' });
    h.graph.behave(() => behaviour);
    await h.invoke(signed(message('wamid.HBgLhygiene03')));
    expect(h.logs.messages()).toContain('Reply failed');
    expect(leaksOf(h)).toEqual([]);
  });

  it('keeps them out of the lines about an unfilled secret and a re-read after a mismatch', async () => {
    h = await startSecurityHarness({ WHATSAPP_ACCESS_TOKEN: SECRET_PLACEHOLDER });
    const unfilled = await h.invoke(signed(message('wamid.HBgLhygiene08')));
    const forged = await h.invoke(signedPost(metaJson(message('wamid.HBgLhygiene08')), 'forged'));
    expect([unfilled.statusCode, forged.statusCode]).toEqual([503, 401]);
    expect(h.logs.messages()).toContain('WhatsApp secret not configured: request refused');
    expect(h.logs.messages()).toContain('WhatsApp secret not read again');
    expect(leaksOf(h)).toEqual([]);
  });

  it('keeps them out of the lines about a DynamoDB error', async () => {
    h = await startSecurityHarness({ TABLE_NAME: 'no-such-table' });
    const result = await h.invoke(signed(message('wamid.HBgLhygiene07')));
    expect(result.statusCode).toBe(500);
    expect(h.logs.messages()).toContain('Claim store error');
    expect(leaksOf(h)).toEqual([]);
  });

  it('keeps them out of the lines about failed statuses and value-level errors', async () => {
    h = await startSecurityHarness();
    await h.invoke(
      signed(
        statusWebhook(PHONE_NUMBER_ID, {
          id: 'wamid.out',
          status: 'failed',
          callbackData: `wo1|1|${PHONE_NUMBER_ID}|wamid.HBgLhygiene04`,
          errors: [{ code: 131026, title: 'Message undeliverable' }],
        }),
      ),
    );
    await h.invoke(
      signed({
        object: 'whatsapp_business_account',
        entry: [
          {
            changes: [
              {
                value: {
                  metadata: { display_phone_number: SENDER, phone_number_id: PHONE_NUMBER_ID },
                  errors: [{ code: 130429, title: 'Rate limit hit' }],
                },
              },
            ],
          },
        ],
      }),
    );
    expect(h.logs.messages()).toEqual(
      expect.arrayContaining(['Reply failed after Graph accepted it', 'Webhook carried an error']),
    );
    expect(leaksOf(h)).toEqual([]);
  });

  it('keeps them out of the lines about a failed forward, a refused handshake and a bad signature', async () => {
    h = await startSecurityHarness({ FORWARD_URL: `http://127.0.0.1:${await freePort()}/forward` });
    await h.invoke(signed(message('wamid.HBgLhygiene05')));
    await h.invoke(
      apiEvent({
        method: 'GET',
        rawQueryString: `hub.mode=subscribe&hub.verify_token=${TEXT}&hub.challenge=1`,
      }),
    );
    await h.invoke(
      apiEvent({
        method: 'POST',
        body: metaJson(message('wamid.HBgLhygiene06')),
        headers: { 'x-hub-signature-256': TEXT },
      }),
    );
    expect(h.logs.messages()).toEqual(
      expect.arrayContaining([
        'Forwarding failed',
        'Subscription handshake refused',
        'Webhook signature rejected',
      ]),
    );
    expect(leaksOf(h)).toEqual([]);
  });
});
