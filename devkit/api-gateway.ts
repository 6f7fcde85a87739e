import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

/** What the local server read off one HTTP request. */
export interface HttpRequest {
  method: string;
  /** Path and query as sent (`req.url`). */
  url: string;
  /** Node's headers: names already lower-case, repeated values already comma-joined. */
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
}

/**
 * Bodies API Gateway HTTP APIs pass to Lambda as text; anything else arrives base64-encoded
 * (`isBase64Encoded: true`), which is how a webhook with an unusual content type would reach the handler.
 */
const TEXT_TYPES = [
  /^text\//,
  /^application\/(.+\+)?json\b/,
  /^application\/(.+\+)?xml\b/,
  /^application\/javascript\b/,
];

/**
 * An API Gateway HTTP API (payload format 2.0) event, built the way API Gateway builds it: lower-case
 * headers, repeated query parameters comma-joined, cookies split out, and the body kept byte for byte.
 */
export function toHttpApiEvent(
  request: HttpRequest,
  routeKey: string,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
  const { cookie, ...rest } = request.headers;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rest)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentType = headers['content-type']?.toLowerCase() ?? '';
  const binary = request.body.length > 0 && !TEXT_TYPES.some((type) => type.test(contentType));
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookie ? { cookies: cookie.split(/;\s*/) } : {}),
    headers,
    ...(rawQueryString === '' ? {} : { queryStringParameters: joinedQuery(rawQueryString) }),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: accessLogTime(now),
      timeEpoch: now.getTime(),
    },
    ...(request.body.length > 0 ? { body: request.body.toString(binary ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: binary,
  };
}

/** Repeated keys are joined with commas, as payload format 2.0 does. */
function joinedQuery(rawQueryString: string): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    joined[key] = key in joined ? `${joined[key]},${value}` : value;
  }
  return joined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `29/Nov/2026:13:05:09 +0000`, the format of `requestContext.time`. */
function accessLogTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`;
  return `${day}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** The part of `ServerResponse` a result is written with. */
export interface ResponseWriter {
  writeHead(
    statusCode: number,
    headers: Record<string, string | string[]>,
  ): { end(body: string | Buffer): unknown };
}

/** Writes a Lambda result the way API Gateway interprets payload format 2.0 responses. */
export function writeHttpApiResult(res: ResponseWriter, result: APIGatewayProxyResultV2): number {
  if (typeof result !== 'object' || result === null || result.statusCode === undefined) {
    // No status code: API Gateway answers 200 with the result as a JSON body.
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return 200;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode, headers).end(body);
  return result.statusCode;
}
