import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { signatureFor } from '../lambda/http/signature';

interface EventOptions {
  method: 'GET' | 'POST' | string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  rawQueryString?: string;
  base64?: boolean;
}

/** An API Gateway HTTP API (payload v2.0) event, as the webhook route receives it. */
export function apiEvent(options: EventOptions): APIGatewayProxyEventV2 {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const rawQueryString = options.rawQueryString ?? '';
  return {
    version: '2.0',
    routeKey: `${options.method} /webhook`,
    rawPath: '/webhook',
    rawQueryString,
    headers: { 'content-type': 'application/json', ...options.headers },
    queryStringParameters: rawQueryString
      ? Object.fromEntries(new URLSearchParams(rawQueryString))
      : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: options.method,
        path: '/webhook',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'request-id',
      routeKey: `${options.method} /webhook`,
      stage: '$default',
      time: '29/Nov/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    body: body === undefined ? undefined : options.base64 ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: options.base64 ?? false,
  };
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

export function lambdaContext(remainingMs = 20_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'whatsapp-once-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:whatsapp-once-test',
    memoryLimitInMB: '512',
    awsRequestId: 'aws-request-id',
    logGroupName: '/aws/lambda/whatsapp-once-test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
