import { describe, expect, it } from 'vitest';
import { classifyGraphError } from '../../../lambda/adapters/graph-error-codes';
import { graphReplySender } from '../../../lambda/adapters/graph-reply-sender';
import type { OutboundReply } from '../../../lambda/domain/ports';

const REPLY: OutboundReply = {
  tenantId: '106540352242922',
  to: '16505551234',
  part: { kind: 'text', body: 'test is working' },
  inReplyTo: 'wamid.IN',
  callbackData: 'wo1|1|106540352242922|wamid.IN',
  timeoutMs: 1_000,
};

type FetchCall = { url: string; init: RequestInit };

function fakeFetch(answer: () => Promise<Response>) {
  const calls: FetchCall[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return answer();
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const json = (status: number, body: unknown) => async () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const sender = (fetch: typeof globalThis.fetch) =>
  graphReplySender({
    baseUrl: 'http://127.0.0.1:9',
    version: 'v26.0',
    accessToken: async () => 'token-1',
    fetch,
  });

describe('graphReplySender', () => {
  it('posts a quoted text reply with callback data to the phone number id', async () => {
    const fake = fakeFetch(json(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.OUT' }] }));

    const result = await sender(fake.fetch).send(REPLY);

    expect(result).toEqual({ kind: 'sent', outboundId: 'wamid.OUT' });
    const [call] = fake.calls;
    expect(call?.url).toBe('http://127.0.0.1:9/v26.0/106540352242922/messages');
    expect(call?.init.headers).toMatchObject({ authorization: 'Bearer token-1' });
    expect(JSON.parse(String(call?.init.body))).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'text',
      context: { message_id: 'wamid.IN' },
      text: { preview_url: false, body: 'test is working' },
      biz_opaque_callback_data: 'wo1|1|106540352242922|wamid.IN',
    });
  });

  it.each([
    [400, 130429, 'retryable'],
    [400, 131056, 'retryable'],
    [400, 4, 'retryable'],
    [500, 131000, 'retryable'],
    [503, 2, 'retryable'],
    [400, 131047, 'permanent'],
    [400, 131026, 'permanent'],
    [400, 131048, 'permanent'],
    [401, 190, 'permanent'],
    [400, 100, 'permanent'],
  ])('classifies HTTP %i with code %i as %s', async (status, code, kind) => {
    const fake = fakeFetch(json(status, { error: { message: 'x', type: 'OAuthException', code } }));
    await expect(sender(fake.fetch).send(REPLY)).resolves.toMatchObject({ kind, code });
  });

  it.each([
    [502, 'retryable'],
    [504, 'ambiguous'],
    [429, 'retryable'],
    [404, 'permanent'],
  ])('classifies a bare HTTP %i without a Graph error body as %s', async (status, kind) => {
    const fake = fakeFetch(async () => new Response('<html>gateway</html>', { status }));
    await expect(sender(fake.fetch).send(REPLY)).resolves.toMatchObject({ kind });
  });

  it('treats a refused connection as retryable: the request never left', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const fake = fakeFetch(async () => {
      throw refused;
    });
    await expect(sender(fake.fetch).send(REPLY)).resolves.toMatchObject({ kind: 'retryable' });
  });

  it.each([
    [
      'a timeout',
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
    ],
    [
      'a reset',
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      }),
    ],
  ])('treats %s as ambiguous: the message may have been sent', async (_name, error) => {
    const fake = fakeFetch(async () => {
      throw error;
    });
    await expect(sender(fake.fetch).send(REPLY)).resolves.toMatchObject({ kind: 'ambiguous' });
  });

  it('counts an accepted reply as sent even when its body cannot be read', async () => {
    const fake = fakeFetch(async () => new Response('not json', { status: 200 }));
    await expect(sender(fake.fetch).send(REPLY)).resolves.toEqual({ kind: 'sent', outboundId: undefined });
  });

  it('omits the callback data when there is none', async () => {
    const fake = fakeFetch(json(200, { messages: [{ id: 'wamid.OUT' }] }));
    await sender(fake.fetch).send({ ...REPLY, callbackData: undefined });
    expect(JSON.parse(String(fake.calls[0]?.init.body))).not.toHaveProperty('biz_opaque_callback_data');
  });
});

describe('classifyGraphError', () => {
  it('trusts the Graph error code over the HTTP status: throttling arrives as HTTP 400', () => {
    expect(classifyGraphError(400, 130429)).toBe('retryable');
    expect(classifyGraphError(500, 131047)).toBe('permanent');
  });
});

describe('graphReplySender.markRead', () => {
  const RECEIPT = { tenantId: '106540352242922', messageId: 'wamid.IN', typing: false, timeoutMs: 1_000 };

  it("posts Meta's mark-as-read body to the phone number id", async () => {
    const fake = fakeFetch(json(200, { success: true }));

    expect(await sender(fake.fetch).markRead(RECEIPT)).toBe('ok');
    const [call] = fake.calls;
    expect(call?.url).toBe('http://127.0.0.1:9/v26.0/106540352242922/messages');
    expect(call?.init.headers).toMatchObject({ authorization: 'Bearer token-1' });
    // Meta, "Mark messages as read": the request body, as documented.
    expect(JSON.parse(String(call?.init.body))).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.IN',
    });
  });

  it("adds Meta's typing indicator when asked", async () => {
    const fake = fakeFetch(json(200, { success: true }));

    await sender(fake.fetch).markRead({ ...RECEIPT, typing: true });
    // Meta, "Typing indicators": the mark-as-read body plus typing_indicator.type "text".
    expect(JSON.parse(String(fake.calls[0]?.init.body))).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.IN',
      typing_indicator: { type: 'text' },
    });
  });

  it('answers failed, never throws, on an error status or a broken connection', async () => {
    const refused = fakeFetch(async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });

    expect(await sender(fakeFetch(json(400, { error: { code: 100 } })).fetch).markRead(RECEIPT)).toBe(
      'failed',
    );
    expect(await sender(refused.fetch).markRead(RECEIPT)).toBe('failed');
  });
});
