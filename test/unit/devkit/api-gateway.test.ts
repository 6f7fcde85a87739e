import { describe, expect, it } from 'vitest';
import { type HttpRequest, toHttpApiEvent, writeHttpApiResult } from '../../../devkit/api-gateway';
import { metaJson } from '../../../devkit/meta/meta-json';
import { rawBodyOf } from '../../../lambda/http/request';

const request = (overrides: Partial<HttpRequest>): HttpRequest => ({
  method: 'POST',
  url: '/webhook',
  headers: { host: '127.0.0.1:3000', 'content-type': 'application/json' },
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  ...overrides,
});

describe('toHttpApiEvent', () => {
  it('keeps a Meta body byte for byte, escapes included', () => {
    const raw = metaJson({ text: { body: 'café / 👍' } });
    const event = toHttpApiEvent(request({ body: Buffer.from(raw) }), 'POST /webhook');

    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe(raw);
    expect(rawBodyOf(event).equals(Buffer.from(raw))).toBe(true);
  });

  it.each([['application/octet-stream'], ['application/x-www-form-urlencoded'], [undefined]])(
    'base64-encodes a body of content type %s, which the handler decodes to the same bytes',
    (type) => {
      const bytes = Buffer.from([0x7b, 0xff, 0x00, 0x7d]);
      const headers = type === undefined ? {} : { 'content-type': type };
      const event = toHttpApiEvent(request({ headers, body: bytes }), 'POST /webhook');

      expect(event.isBase64Encoded).toBe(true);
      expect(rawBodyOf(event).equals(bytes)).toBe(true);
    },
  );

  it('splits the path from the query and joins repeated parameters with commas', () => {
    const event = toHttpApiEvent(
      request({ method: 'GET', url: '/webhook?hub.mode=subscribe&a=1&a=2&hub.challenge=x%20y' }),
      'GET /webhook',
    );

    expect(event.rawPath).toBe('/webhook');
    expect(event.rawQueryString).toBe('hub.mode=subscribe&a=1&a=2&hub.challenge=x%20y');
    expect(event.queryStringParameters).toEqual({
      'hub.mode': 'subscribe',
      a: '1,2',
      'hub.challenge': 'x y',
    });
    expect(event.requestContext.http).toMatchObject({
      method: 'GET',
      path: '/webhook',
      sourceIp: '127.0.0.1',
    });
    expect(event.body).toBeUndefined();
  });

  it('moves cookies out of the headers, as payload format 2.0 does', () => {
    const event = toHttpApiEvent(
      request({ headers: { cookie: 'a=1; b=2', 'x-hub-signature-256': 'sha256=00' } }),
      'POST /webhook',
    );

    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers).toEqual({ 'x-hub-signature-256': 'sha256=00' });
  });

  it('stamps the request with the time in API Gateway format', () => {
    const event = toHttpApiEvent(request({}), 'POST /webhook', new Date(Date.UTC(2026, 10, 29, 13, 5, 9)));

    expect(event.requestContext.time).toBe('29/Nov/2026:13:05:09 +0000');
    expect(event.requestContext.timeEpoch).toBe(Date.UTC(2026, 10, 29, 13, 5, 9));
  });
});

describe('writeHttpApiResult', () => {
  const recorder = () => {
    const written: { status?: number; headers?: Record<string, string | string[]>; body?: string } = {};
    return {
      written,
      writeHead(status: number, headers: Record<string, string | string[]>) {
        Object.assign(written, { status, headers });
        return { end: (body: string | Buffer) => Object.assign(written, { body: body.toString() }) };
      },
    };
  };

  it('writes a structured result with its status, lower-cased headers and body', () => {
    const res = recorder();
    writeHttpApiResult(res, { statusCode: 200, headers: { 'Content-Type': 'text/plain' }, body: '42' });

    expect(res.written).toEqual({ status: 200, headers: { 'content-type': 'text/plain' }, body: '42' });
  });

  it('decodes a base64 result body', () => {
    const res = recorder();
    writeHttpApiResult(res, {
      statusCode: 401,
      body: Buffer.from('{"error":1}').toString('base64'),
      isBase64Encoded: true,
    });

    expect(res.written.body).toBe('{"error":1}');
  });

  it('answers 200 with JSON when the result has no status code', () => {
    const res = recorder();
    expect(writeHttpApiResult(res, 'plain')).toBe(200);
    expect(res.written).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: 'plain',
    });
  });
});
