import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/config/env-names';
import { checkSignature, SIGNATURE_HEADER } from '../../lambda/http/signature';
import { WEBHOOK_PATH } from '../../lib/identifiers';
import {
  DOCKER_HOST_ENDPOINTS,
  LOCAL_CREDENTIALS,
  SAMPLE_EVENT_FILES,
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

describe('events/', () => {
  it.each(SAMPLE_EVENT_FILES)('%s is what npm run events generates', (file) => {
    expect(committed(file)).toEqual(JSON.parse(JSON.stringify(sampleEvents(LOCAL_CREDENTIALS)[file])));
  });

  it('env-vars.json is what npm run events generates', () => {
    expect(committed('env-vars.json')).toEqual(samEnvVars(LOCAL_CREDENTIALS, DOCKER_HOST_ENDPOINTS));
  });

  it.each(SIGNED)('%s is signed with the app secret of env-vars.json', (file) => {
    const event = sampleEvents(LOCAL_CREDENTIALS)[file];
    const check = checkSignature(
      Buffer.from(event.body ?? ''),
      event.headers[SIGNATURE_HEADER],
      envVars()[ENV.appSecret],
    );
    expect(check).toBe('valid');
  });

  it('bad-signature.json carries the same body with a signature that does not verify', () => {
    const events = sampleEvents(LOCAL_CREDENTIALS);
    const bad = events['bad-signature.json'];
    expect(bad.body).toBe(events['text-message.json'].body);
    expect(
      checkSignature(Buffer.from(bad.body ?? ''), bad.headers[SIGNATURE_HEADER], envVars()[ENV.appSecret]),
    ).toBe('mismatch');
  });

  it('the handshake carries the verify token of env-vars.json, on the webhook path', () => {
    const handshake = sampleEvents(LOCAL_CREDENTIALS)['handshake.json'];
    expect(new URLSearchParams(handshake.rawQueryString).get('hub.verify_token')).toBe(
      envVars()[ENV.verifyToken],
    );
    for (const event of Object.values(sampleEvents(LOCAL_CREDENTIALS)))
      expect(event.rawPath).toBe(WEBHOOK_PATH);
  });

  it('the repeated delivery has the same bytes and signature but its own request id', () => {
    const events = sampleEvents(LOCAL_CREDENTIALS);
    const [first, again] = [events['text-message.json'], events['text-message-again.json']];
    expect(again.body).toBe(first.body);
    expect(again.headers[SIGNATURE_HEADER]).toBe(first.headers[SIGNATURE_HEADER]);
    expect(again.requestContext.requestId).not.toBe(first.requestContext.requestId);
  });
});
