import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The body bytes exactly as API Gateway received them. */
export function rawBodyOf(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Header lookup in any case (HTTP API lowercases names, other front doors may not). */
export function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export const methodOf = (event: APIGatewayProxyEventV2): string =>
  event.requestContext?.http?.method?.toUpperCase() ?? 'UNKNOWN';
