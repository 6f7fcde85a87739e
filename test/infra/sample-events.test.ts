import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/config/env-names';
import { checkSignature, SIGNATURE_HEADER } from '../../lambda/http/signature';
import {
  FUNCTION_LOGICAL_ID,
  REDRIVE_LOGICAL_ID,
  WEBHOOK_PATH,
  WORKER_LOGICAL_ID,
} from '../../lib/identifiers';
import { QUEUED_FILTER } from '../../lib/reply-worker';
import {
  DOCKER_HOST_REDRIVE_QUEUE_URL,
  QUEUED_EVENT_FILES,
  queuedEnvVars,
  queuedEvents,
} from '../../scripts/queued-sample-events';
import {
  DOCKER_HOST_ENDPOINTS,
  LOCAL_CREDENTIALS,
  SAMPLE_EVENT_FILES,
  SAMPLE_MESSAGE_ID,
  SAMPLE_PHONE_NUMBER_ID,
  type SampleEventFile,
  samEnvVars,
  sampleEvents,
} from '../../scripts/sample-events';

const SIGNED = [
  'text-message.json',
  'text-message-again.json',
  'status-sent.json',
] as const satisfies readonly SampleEventFile[];

const committed = (file: string): unknown => JSON.parse(readFileSync(join('events', file), 'utf8'));
const envVars = () => samEnvVars(LOCAL_CREDENTIALS, DOCKER_HOST_ENDPOINTS).Parameters;

/** `npm run events` dates the sample message when it runs: the committed files carry that date. */
function committedSentAtMs(): number {
  const event = committed('text-message.json') as { body: string };
  const timestamp = JSON.parse(event.body).entry[0].changes[0].value.messages[0].timestamp;
  return Number(timestamp) * 1000;
}
const SENT_AT_MS = committedSentAtMs();

describe('events/', () => {
  it.each(SAMPLE_EVENT_FILES)('%s is what npm run events generates', (file) => {
    expect(committed(file)).toEqual(
      JSON.parse(JSON.stringify(sampleEvents(LOCAL_CREDENTIALS, SENT_AT_MS)[file])),
    );
  });

  it('env-vars.json is what npm run events generates', () => {
    expect(committed('env-vars.json')).toEqual({
      ...samEnvVars(LOCAL_CREDENTIALS, DOCKER_HOST_ENDPOINTS),
      ...queuedEnvVars(DOCKER_HOST_REDRIVE_QUEUE_URL),
    });
  });

  it.each(SIGNED)('%s is signed with the app secret of env-vars.json', (file) => {
    const event = sampleEvents(LOCAL_CREDENTIALS, SENT_AT_MS)[file];
    const check = checkSignature(
      Buffer.from(event.body ?? ''),
      event.headers[SIGNATURE_HEADER],
      envVars()[ENV.appSecret],
    );
    expect(check).toBe('valid');
  });

  it('bad-signature.json carries the same body with a signature that does not verify', () => {
    const events = sampleEvents(LOCAL_CREDENTIALS, SENT_AT_MS);
    const bad = events['bad-signature.json'];
    expect(bad.body).toBe(events['text-message.json'].body);
    expect(
      checkSignature(Buffer.from(bad.body ?? ''), bad.headers[SIGNATURE_HEADER], envVars()[ENV.appSecret]),
    ).toBe('mismatch');
  });

  it('the handshake carries the verify token of env-vars.json, on the webhook path', () => {
    const handshake = sampleEvents(LOCAL_CREDENTIALS, SENT_AT_MS)['handshake.json'];
    expect(new URLSearchParams(handshake.rawQueryString).get('hub.verify_token')).toBe(
      envVars()[ENV.verifyToken],
    );
    for (const event of Object.values(sampleEvents(LOCAL_CREDENTIALS, SENT_AT_MS)))
      expect(event.rawPath).toBe(WEBHOOK_PATH);
  });

  it('the repeated delivery has the same bytes and signature but its own request id', () => {
    const events = sampleEvents(LOCAL_CREDENTIALS, SENT_AT_MS);
    const [first, again] = [events['text-message.json'], events['text-message-again.json']];
    expect(again.body).toBe(first.body);
    expect(again.headers[SIGNATURE_HEADER]).toBe(first.headers[SIGNATURE_HEADER]);
    expect(again.requestContext.requestId).not.toBe(first.requestContext.requestId);
  });
});

describe('events/ for the queued-mode functions', () => {
  const stream = () => queuedEvents(SENT_AT_MS)['worker-stream-queued.json'];
  const sqs = () => queuedEvents(SENT_AT_MS)['redrive-message.json'];

  it.each(QUEUED_EVENT_FILES)('%s is what npm run events generates', (file) => {
    expect(committed(file)).toEqual(JSON.parse(JSON.stringify(queuedEvents(SENT_AT_MS)[file])));
  });

  it("carries a queued claim of the sample message that passes the worker mapping's filter", () => {
    const [record] = stream().Records;
    expect(record?.dynamodb?.Keys).toEqual({ pk: { S: `${SAMPLE_PHONE_NUMBER_ID}#${SAMPLE_MESSAGE_ID}` } });
    const wanted = QUEUED_FILTER.dynamodb.NewImage.state.S;
    expect(wanted).toContain(record?.dynamodb?.NewImage?.state?.S);
    expect(record?.dynamodb?.NewImage).toMatchObject({
      tenantId: { S: SAMPLE_PHONE_NUMBER_ID },
      messageId: { S: SAMPLE_MESSAGE_ID },
      attempt: { N: '1' },
      owner: { S: '' },
      leaseUntil: { N: '0' },
      replyTo: { S: '16505551234' },
      text: { S: 'hello' },
    });
  });

  it('carries a re-drive body of the contract (v 1, the message, the observed attempt) with its MD5', () => {
    const [record] = sqs().Records;
    expect(JSON.parse(record?.body ?? '')).toEqual({
      v: 1,
      tenantId: SAMPLE_PHONE_NUMBER_ID,
      messageId: SAMPLE_MESSAGE_ID,
      attempt: 2,
    });
    expect(record?.md5OfBody).toBe(
      createHash('md5')
        .update(record?.body ?? '')
        .digest('hex'),
    );
  });

  it('env-vars.json gives the worker and the redrive function, and only them, the re-drive queue URL', () => {
    const file = committed('env-vars.json') as Record<string, Record<string, string>>;
    expect(file.Parameters).not.toHaveProperty(ENV.redriveQueueUrl);
    expect(file[FUNCTION_LOGICAL_ID]).toBeUndefined();
    for (const id of [WORKER_LOGICAL_ID, REDRIVE_LOGICAL_ID]) {
      expect(file[id]).toEqual({ [ENV.redriveQueueUrl]: DOCKER_HOST_REDRIVE_QUEUE_URL });
    }
  });
});
