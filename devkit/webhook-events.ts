import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signatureFor } from '../lambda/http/signature';
import { toHttpApiEvent } from './api-gateway';

export const WEBHOOK_PATH = '/webhook';
/** Events built here carry one fixed request time, so generated sample events stay byte-stable. */
const FIXED_TIME = new Date(Date.UTC(2026, 10, 29));

interface EventOptions {
  method: 'GET' | 'POST' | string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  rawQueryString?: string;
  /** Forces the body's encoding; by default API Gateway's rule for the content type decides. */
  base64?: boolean;
}

/** An HTTP API (payload v2.0) event for the webhook route, built by the one API Gateway builder. */
export function apiEvent(options: EventOptions): APIGatewayProxyEventV2 {
  const body = Buffer.from(options.body ?? '');
  const event = toHttpApiEvent(
    {
      method: options.method,
      url: options.rawQueryString ? `${WEBHOOK_PATH}?${options.rawQueryString}` : WEBHOOK_PATH,
      headers: { 'content-type': 'application/json', ...lowerCased(options.headers ?? {}) },
      body,
      sourceIp: '127.0.0.1',
    },
    `${options.method} ${WEBHOOK_PATH}`,
    FIXED_TIME,
  );
  if (options.body === undefined) return event;
  // An empty body still reaches the handler as '' here: the bad-input tests send exactly that.
  const base64 = options.base64 ?? event.isBase64Encoded;
  return { ...event, body: body.toString(base64 ? 'base64' : 'utf8'), isBase64Encoded: base64 };
}

/** A POST signed with `appSecret` over exactly these bytes, as Meta signs it. */
export function signedPost(rawBody: string | Buffer, appSecret: string, options: { base64?: boolean } = {}) {
  return apiEvent({
    method: 'POST',
    body: rawBody,
    headers: { 'x-hub-signature-256': signatureFor(rawBody, appSecret) },
    ...options,
  });
}

const lowerCased = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
