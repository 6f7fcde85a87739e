import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../devkit/lambda-host/lambda-context';
import { messagesWebhook, metaJson } from '../../devkit/meta/meta-json';
import { apiEvent, signedPost } from '../../devkit/webhook-events';
import { buildApp, type WebhookApp } from '../../lambda/app/build-app';
import { SECRET_PLACEHOLDER } from '../../lambda/config/secret-placeholder';
import { signatureFor } from '../../lambda/http/signature';
import { webhookHandler } from '../../lambda/webhook-chain';
import { useCaseFixture } from './domain/use-case-fixture';

const SECRET = 'chain-secret';
const ENV = {
  TABLE_NAME: 'claims',
  WHATSAPP_APP_SECRET: SECRET,
  WHATSAPP_ACCESS_TOKEN: 'token',
  WHATSAPP_VERIFY_TOKEN: 'verify-token',
};

/** The real middy chain and router, over the fake ports of the use-case tests. */
function chain(env: Record<string, string> = {}, fetch?: typeof globalThis.fetch) {
  const f = useCaseFixture();
  // The built webhooks carry the real time as Meta's timestamp: a reply is due within 24 h of it.
  f.clock.current = Date.now();
  const built = buildApp({ ...ENV, ...env }, fetch ? { fetch } : {});
  const app: WebhookApp = { ...built, deps: f.deps };
  const handler = webhookHandler(app);
  const invoke = async (event: ReturnType<typeof apiEvent>) => {
    const result = await handler(event, lambdaContext());
    if (typeof result !== 'object') throw new Error('expected a structured result');
    return result;
  };
  return { ...f, invoke };
}

const fixtureBodies = ['test/fixtures/meta-docs', 'test/fixtures/library'].flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => [name, readFileSync(`${dir}/${name}`)] as const),
);

describe('GET: the subscription handshake', () => {
  it('echoes the challenge as plain text for the right token', async () => {
    const c = chain();
    const result = await c.invoke(
      apiEvent({
        method: 'GET',
        rawQueryString: 'hub.mode=subscribe&hub.verify_token=verify-token&hub.challenge=1158201444',
      }),
    );
    expect(result).toMatchObject({
      statusCode: 200,
      body: '1158201444',
      headers: { 'content-type': 'text/plain' },
    });
  });

  it('answers 403 to a wrong token and 400 to missing parameters', async () => {
    const c = chain();
    const wrong = await c.invoke(
      apiEvent({ method: 'GET', rawQueryString: 'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1' }),
    );
    const missing = await c.invoke(apiEvent({ method: 'GET', rawQueryString: 'hub.mode=subscribe' }));
    expect([wrong.statusCode, missing.statusCode]).toEqual([403, 400]);
  });
});

describe('POST: authentication before anything else', () => {
  const body = metaJson(messagesWebhook('106540352242922', [{ id: 'wamid.S', text: 'test' }]));

  it('answers 401 and writes nothing when the signature is missing', async () => {
    const c = chain();
    const result = await c.invoke(apiEvent({ method: 'POST', body }));
    expect(result.statusCode).toBe(401);
    expect(c.claims.calls).toEqual([]);
  });

  it('answers 401 and writes nothing when the signature is wrong', async () => {
    const c = chain();
    const result = await c.invoke(signedPost(body, 'another-secret'));
    expect(result.statusCode).toBe(401);
    expect(c.claims.calls).toEqual([]);
  });

  it('answers 401 to an unsigned body that is not even JSON', async () => {
    const c = chain();
    expect((await c.invoke(apiEvent({ method: 'POST', body: 'garbage' }))).statusCode).toBe(401);
  });

  it('verifies a base64-encoded body over its decoded bytes', async () => {
    const c = chain();
    const result = await c.invoke(signedPost(body, SECRET, { base64: true }));
    expect(result.statusCode).toBe(200);
    expect(c.sent).toHaveLength(1);
  });

  it('reads the signature header in any case', async () => {
    const c = chain();
    const event = apiEvent({
      method: 'POST',
      body,
      headers: { 'X-Hub-Signature-256': signatureFor(body, SECRET) },
    });
    expect((await c.invoke(event)).statusCode).toBe(200);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    const c = chain();
    const result = await c.invoke(signedPost('not json', SECRET));
    expect(result).toMatchObject({ statusCode: 400, body: '{"error":"body is not valid JSON"}' });
  });

  it('answers 400 to a signed body that is not valid UTF-8', async () => {
    const c = chain();
    const invalid = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    expect((await c.invoke(signedPost(invalid, SECRET, { base64: true }))).statusCode).toBe(400);
  });

  it('acknowledges and ignores signed JSON that is not a WhatsApp Business Account webhook', async () => {
    const c = chain();
    const result = await c.invoke(signedPost('{"object":"page","entry":[]}', SECRET));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(String(result.body))).toMatchObject({ status: 'ignored' });
  });

  it('answers 405 to other methods', async () => {
    const c = chain();
    expect((await c.invoke(apiEvent({ method: 'PUT', body }))).statusCode).toBe(405);
  });
});

describe('an unfilled secret (placeholders from the stack)', () => {
  const body = metaJson(messagesWebhook('106540352242922', [{ id: 'wamid.P', text: 'test' }]));
  const unfilled = { WHATSAPP_APP_SECRET: SECRET_PLACEHOLDER, WHATSAPP_ACCESS_TOKEN: SECRET_PLACEHOLDER };

  it('answers a POST 503 "not configured", not 401, and writes nothing', async () => {
    const c = chain(unfilled);
    const result = await c.invoke(signedPost(body, SECRET_PLACEHOLDER));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      error: 'not configured',
      detail: expect.stringContaining('appSecret, accessToken'),
    });
    expect(c.claims.calls).toEqual([]);
  });

  it('answers a signed POST 503 while only the access token is a placeholder, and a forged one 401', async () => {
    const c = chain({ WHATSAPP_ACCESS_TOKEN: SECRET_PLACEHOLDER });
    const signed = await c.invoke(signedPost(body, SECRET));
    const forged = await c.invoke(signedPost(body, 'forged'));
    expect([signed.statusCode, forged.statusCode]).toEqual([503, 401]);
    expect(c.sent).toEqual([]);
  });

  it('refuses the handshake 503 while the verify token is a placeholder, whatever token is offered', async () => {
    const c = chain({ WHATSAPP_VERIFY_TOKEN: SECRET_PLACEHOLDER });
    const result = await c.invoke(
      apiEvent({
        method: 'GET',
        rawQueryString: `hub.mode=subscribe&hub.verify_token=${SECRET_PLACEHOLDER}&hub.challenge=42`,
      }),
    );
    expect(result.statusCode).toBe(503);
    expect(result.body).toContain('verifyToken');
    expect(result.body).not.toContain('42');
  });
});

describe('POST: every fixture through the chain', () => {
  it.each(fixtureBodies)('answers 200 to %s, signed over its exact bytes', async (_name, raw) => {
    const c = chain();
    // Meta's examples are years old: answer them as if they had just been sent (the 24 h window).
    const sentAt = [...raw.toString().matchAll(/"timestamp":\s*"(\d+)"/g)].map(([, at]) => Number(at));
    if (sentAt.length > 0) c.clock.current = Math.max(...sentAt) * 1000 + 5_000;
    const result = await c.invoke(signedPost(raw, SECRET));
    expect(result.statusCode).toBe(200);
    // Every claimed message is answered, but those the bot answers with no part (reactions, system
    // notices): their records are completed without an outbound message.
    const claimed = c.claims.calls.filter((call) => call === 'claim').length;
    const silent = [...c.claims.records.values()].filter((r) => r.state === 'done' && !r.outboundId).length;
    expect(c.sent).toHaveLength(claimed - silent);
  });
});

describe('POST: outcomes to HTTP', () => {
  const body = metaJson(messagesWebhook('106540352242922', [{ id: 'wamid.O', text: 'hello' }]));

  it('answers the same webhook twice with one reply and two 200s', async () => {
    const c = chain();
    const first = await c.invoke(signedPost(body, SECRET));
    const second = await c.invoke(signedPost(body, SECRET));
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(c.sent).toHaveLength(1);
  });

  it('answers 500 when the claim cannot be written, without replying', async () => {
    const c = chain();
    c.claims.failNext.set('claim', 1);
    expect((await c.invoke(signedPost(body, SECRET))).statusCode).toBe(500);
    expect(c.sent).toHaveLength(0);
  });

  it('answers 503 when the send failed and the claim was given back', async () => {
    const c = chain();
    const busy = { kind: 'retryable', code: 131000, detail: 'x' } as const;
    c.scriptSends(busy, busy, busy);
    expect((await c.invoke(signedPost(body, SECRET))).statusCode).toBe(503);
  });

  it('answers a generic 500 when something unexpected throws', async () => {
    const c = chain();
    c.deps.replies = {
      send: () => {
        throw new TypeError('bug');
      },
      markRead: async () => 'ok',
    };
    const result = await c.invoke(signedPost(body, SECRET));
    expect(result).toMatchObject({ statusCode: 500, body: '{"error":"internal error"}' });
  });
});

describe('POST: forwarding', () => {
  it('forwards the raw body and its signature once, and not a duplicate delivery', async () => {
    const forwarded: { url: string; body: string; signature: string | null }[] = [];
    const fetch = async (url: string | URL | Request, init?: RequestInit) => {
      forwarded.push({
        url: String(url),
        body: Buffer.from(init?.body as Buffer).toString('utf8'),
        signature: new Headers(init?.headers).get('x-hub-signature-256'),
      });
      return new Response('ok');
    };
    const c = chain({ FORWARD_URL: 'http://127.0.0.1:9/forward' }, fetch as typeof globalThis.fetch);
    const body = metaJson(messagesWebhook('106540352242922', [{ id: 'wamid.F', text: 'café/ok' }]));

    await c.invoke(signedPost(body, SECRET));
    await c.invoke(signedPost(body, SECRET));

    expect(forwarded).toEqual([
      { url: 'http://127.0.0.1:9/forward', body, signature: signatureFor(body, SECRET) },
    ]);
  });
});
