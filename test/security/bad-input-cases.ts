/** The hostile and odd requests of the bad-input suite, each with the answer the README documents. */
import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { messagesWebhook, metaJson, statusWebhook } from '../../devkit/meta/meta-json';
import { apiEvent, signedPost } from '../../devkit/webhook-events';
import { signatureFor } from '../../lambda/http/signature';
import { PHONE_NUMBER_ID, SECRETS } from './security-harness';

export const TEXT = 'bad-input secret plan: meet at the pier at 9';
let messageCount = 0;
/** A fresh message each time, so a case that may write is never a duplicate of an earlier one. */
const freshBody = () =>
  metaJson(messagesWebhook(PHONE_NUMBER_ID, [{ id: `wamid.HBgLbadinput${++messageCount}`, text: TEXT }]));
const body = freshBody();
const hex = (raw: string | Buffer, secret = SECRETS.appSecret) =>
  createHmac('sha256', secret).update(raw).digest('hex');
const post = (raw: string | Buffer, headers: Record<string, string>, base64 = false) =>
  apiEvent({ method: 'POST', body: raw, headers, base64 });
export const signed = (value: unknown) =>
  signedPost(typeof value === 'string' ? value : metaJson(value), SECRETS.appSecret);
const envelope = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }],
});
const handshake = (query: string) => apiEvent({ method: 'GET', rawQueryString: query });
const GOOD = `hub.mode=subscribe&hub.verify_token=${SECRETS.verifyToken}&hub.challenge=1158201444`;

export interface BadInput {
  name: string;
  event: () => APIGatewayProxyEventV2;
  status: number;
  /** A log line the request must produce. */
  log: string;
  /** DynamoDB writes allowed: only a properly signed body may cause any. */
  writes?: number;
}

export const SIGNATURES: BadInput[] = [
  {
    name: 'no signature header',
    event: () => post(body, {}),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'an empty signature',
    event: () => post(body, { 'x-hub-signature-256': '' }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'the prefix without a digest',
    event: () => post(body, { 'x-hub-signature-256': 'sha256=' }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'an uppercase prefix',
    event: () => post(body, { 'x-hub-signature-256': `SHA256=${hex(body)}` }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a digest one hex digit short',
    event: () => post(body, { 'x-hub-signature-256': `sha256=${hex(body).slice(1)}` }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a digest one hex digit long',
    event: () => post(body, { 'x-hub-signature-256': `sha256=${hex(body)}0` }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a 512-bit digest',
    event: () => post(body, { 'x-hub-signature-256': `sha256=${hex(body)}${hex(body)}` }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a non-hex digest of the right length',
    event: () => post(body, { 'x-hub-signature-256': `sha256=${'zz'.repeat(32)}` }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a digest with a trailing newline',
    event: () => post(body, { 'x-hub-signature-256': `sha256=${hex(body)}\n` }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'two signatures joined by API Gateway',
    event: () => post(body, { 'x-hub-signature-256': `sha256=${hex(body)},sha256=${hex(body)}` }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'the legacy sha1 header alone',
    event: () =>
      post(body, {
        'x-hub-signature': `sha1=${createHmac('sha1', SECRETS.appSecret).update(body).digest('hex')}`,
      }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a sha1 value in the sha256 header',
    event: () =>
      post(body, {
        'x-hub-signature-256': `sha1=${createHmac('sha1', SECRETS.appSecret).update(body).digest('hex')}`,
      }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a signature made with another secret',
    event: () => post(body, { 'x-hub-signature-256': signatureFor(body, 'not-the-app-secret') }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a body tampered with after signing',
    event: () =>
      post(body.replace('pier', 'pyer'), { 'x-hub-signature-256': signatureFor(body, SECRETS.appSecret) }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a body re-serialised after signing (Meta escapes are lost)',
    event: () =>
      post(JSON.stringify(JSON.parse(metaJson({ ...JSON.parse(body), note: 'caf\u00e9/x' }))), {
        'x-hub-signature-256': signatureFor(
          metaJson({ ...JSON.parse(body), note: 'caf\u00e9/x' }),
          SECRETS.appSecret,
        ),
      }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'a base64 body signed over its base64 text',
    event: () =>
      post(
        body,
        { 'x-hub-signature-256': signatureFor(Buffer.from(body).toString('base64'), SECRETS.appSecret) },
        true,
      ),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'an unsigned GET-style query on a POST',
    event: () => apiEvent({ method: 'POST', rawQueryString: GOOD }),
    status: 401,
    log: 'Webhook signature rejected',
  },
  {
    name: 'an unsigned body of 1 000 messages',
    event: () =>
      post(
        metaJson(
          messagesWebhook(
            PHONE_NUMBER_ID,
            Array.from({ length: 1000 }, (_, i) => ({ id: `wamid.u${i}` })),
          ),
        ),
        {},
      ),
    status: 401,
    log: 'Webhook signature rejected',
  },
];

export const SIGNED_BUT_ODD: BadInput[] = [
  {
    name: 'an uppercase hex digest of the right HMAC (the same value)',
    event: () => {
      const raw = freshBody();
      return post(raw, { 'x-hub-signature-256': `sha256=${hex(raw).toUpperCase()}` });
    },
    status: 200,
    log: 'Webhook handled',
    writes: 2,
  },
  {
    name: 'the signature header in another case',
    event: () => {
      const raw = freshBody();
      return post(raw, { 'X-Hub-Signature-256': signatureFor(raw, SECRETS.appSecret) });
    },
    status: 200,
    log: 'Webhook handled',
    writes: 2,
  },
  {
    name: 'a base64 body signed over its bytes',
    event: () => {
      const raw = freshBody();
      return post(raw, { 'x-hub-signature-256': signatureFor(raw, SECRETS.appSecret) }, true);
    },
    status: 200,
    log: 'Webhook handled',
    writes: 2,
  },
  {
    name: 'signed text that is not JSON',
    event: () => signed('hello, not json'),
    status: 400,
    log: 'not valid UTF-8 JSON',
  },
  { name: 'a signed empty body', event: () => signed(''), status: 400, log: 'not valid UTF-8 JSON' },
  {
    // API Gateway hands over a body that is not valid UTF-8 base64-encoded.
    name: 'signed invalid UTF-8',
    event: () =>
      signedPost(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), SECRETS.appSecret, {
        base64: true,
      }),
    status: 400,
    log: 'not valid UTF-8 JSON',
  },
  { name: 'signed JSON null', event: () => signed('null'), status: 200, log: 'Webhook ignored' },
  { name: 'a signed JSON array', event: () => signed('[1,2,3]'), status: 200, log: 'Webhook ignored' },
  { name: 'a signed JSON number', event: () => signed('42'), status: 200, log: 'Webhook ignored' },
  { name: 'a signed empty object', event: () => signed({}), status: 200, log: 'Webhook ignored' },
  {
    name: 'another Meta product',
    event: () => signed({ object: 'page', entry: [] }),
    status: 200,
    log: 'Webhook ignored',
  },
  {
    name: 'an envelope without entry',
    event: () => signed({ object: 'whatsapp_business_account' }),
    status: 200,
    log: 'Webhook ignored',
  },
  {
    name: 'entry as an object',
    event: () => signed({ object: 'whatsapp_business_account', entry: { changes: [] } }),
    status: 200,
    log: 'Webhook ignored',
  },
  {
    name: 'changes that are not an array',
    event: () =>
      signed({ object: 'whatsapp_business_account', entry: [{ changes: 'nope' }, { changes: 7 }] }),
    status: 200,
    log: 'Webhook items skipped as malformed',
  },
  {
    name: 'messages that are not an array',
    event: () => signed(envelope({ metadata: { phone_number_id: PHONE_NUMBER_ID }, messages: { id: 'x' } })),
    status: 200,
    log: 'Webhook handled',
  },
  {
    name: 'a number where the message id belongs',
    event: () =>
      signed(
        envelope({ metadata: { phone_number_id: PHONE_NUMBER_ID }, messages: [{ id: 123, type: 'text' }] }),
      ),
    status: 200,
    log: 'Webhook items skipped as malformed',
  },
  {
    name: 'a number where phone_number_id belongs',
    event: () =>
      signed(
        envelope({
          metadata: { phone_number_id: 106540352242922 },
          messages: [{ id: 'wamid.n1', from: '16505551234', type: 'text', text: { body: TEXT } }],
        }),
      ),
    status: 200,
    log: 'Webhook items skipped as malformed',
  },
  {
    name: 'a number where the sender belongs',
    event: () =>
      signed(
        envelope({
          metadata: { phone_number_id: PHONE_NUMBER_ID },
          messages: [{ id: 'wamid.n2', from: 16505551234, type: 'text', text: { body: TEXT } }],
        }),
      ),
    status: 200,
    log: 'Message not answered',
  },
  {
    name: 'numbers in the text and the timestamp',
    event: () =>
      signed(
        envelope({
          metadata: { phone_number_id: PHONE_NUMBER_ID },
          messages: [
            { id: 'wamid.n3', from: '16505551234', timestamp: 1749416383, type: 'text', text: { body: 42 } },
          ],
        }),
      ),
    status: 200,
    log: 'Webhook handled',
    writes: 2,
  },
  {
    name: 'an unknown message type',
    event: () => signed(messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.holo', type: 'hologram' }])),
    status: 200,
    log: 'Reply sent',
    writes: 2,
  },
  {
    name: 'a message without a type',
    event: () =>
      signed(
        envelope({
          metadata: { phone_number_id: PHONE_NUMBER_ID },
          messages: [{ id: 'wamid.t0', from: '1' }],
        }),
      ),
    status: 200,
    log: 'Webhook handled',
    writes: 2,
  },
  {
    name: 'one wamid twice in one body',
    event: () =>
      signed(messagesWebhook(PHONE_NUMBER_ID, [{ id: 'wamid.twice' }, { id: 'wamid.twice', text: 'again' }])),
    status: 200,
    log: 'Duplicate Message Detected - Repeated In The Same Delivery',
    writes: 2,
  },
  {
    name: 'a status of a message this service did not send',
    event: () => signed(statusWebhook(PHONE_NUMBER_ID, { id: 'wamid.foreign', status: 'read' })),
    status: 200,
    log: 'Webhook handled',
  },
  {
    name: 'a status with forged callback data for an unknown message',
    event: () =>
      signed(
        statusWebhook(PHONE_NUMBER_ID, {
          id: 'wamid.out',
          status: 'sent',
          callbackData: `wo1|1|${PHONE_NUMBER_ID}|wamid.never-seen`,
        }),
      ),
    status: 200,
    log: 'Webhook handled',
    // Two reads (the peek, then a consistent read) find no record: no write at all.
    writes: 0,
  },
  {
    name: '__proto__ keys everywhere',
    event: () =>
      signed(
        '{"__proto__":{"polluted":true},"object":"whatsapp_business_account","entry":[{"__proto__":{"changes":[]},' +
          '"changes":[{"value":{"__proto__":{"x":1},"metadata":{"phone_number_id":"106540352242922"},' +
          '"messages":[{"__proto__":{"id":"wamid.p"},"id":"wamid.proto","from":"16505551234","type":"text","text":{"body":"hi"}}]}}]}]}',
      ),
    status: 200,
    log: 'Reply sent',
    writes: 2,
  },
  {
    name: 'JSON nested 100 000 deep',
    event: () =>
      signed(
        `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}]}]}`,
      ),
    status: 200,
    log: 'Webhook handled',
  },
];

export const HANDSHAKES: BadInput[] = [
  {
    name: 'a GET with the right token',
    event: () => handshake(GOOD),
    status: 200,
    log: 'Subscription handshake verified',
  },
  {
    name: 'a GET with a wrong token',
    event: () => handshake('hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1'),
    status: 403,
    log: 'Subscription handshake refused',
  },
  {
    name: 'a GET with another mode',
    event: () => handshake(`hub.mode=unsubscribe&hub.verify_token=${SECRETS.verifyToken}&hub.challenge=1`),
    status: 403,
    log: 'Subscription handshake refused',
  },
  {
    name: 'a GET without parameters',
    event: () => handshake(''),
    status: 400,
    log: 'Subscription handshake refused',
  },
  {
    name: 'a GET without a challenge',
    event: () => handshake(`hub.mode=subscribe&hub.verify_token=${SECRETS.verifyToken}`),
    status: 400,
    log: 'Subscription handshake refused',
  },
  {
    name: 'a GET with an empty token',
    event: () => handshake('hub.mode=subscribe&hub.verify_token=&hub.challenge=1'),
    status: 400,
    log: 'Subscription handshake refused',
  },
  {
    name: 'a GET with the challenge repeated',
    event: () => handshake(`${GOOD}&hub.challenge=2`),
    status: 400,
    log: 'Subscription handshake refused',
  },
  {
    name: 'a GET with the token repeated (a second guess)',
    event: () => handshake(`${GOOD}&hub.verify_token=guess`),
    status: 400,
    log: 'Subscription handshake refused',
  },
  {
    name: 'a PUT',
    event: () =>
      apiEvent({
        method: 'PUT',
        body,
        headers: { 'x-hub-signature-256': signatureFor(body, SECRETS.appSecret) },
      }),
    status: 405,
    log: 'Method not allowed',
  },
  { name: 'a DELETE', event: () => apiEvent({ method: 'DELETE' }), status: 405, log: 'Method not allowed' },
];
