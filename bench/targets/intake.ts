import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { graphReplySender } from '../../lambda/adapters/graph-reply-sender';
import type { InboundMessage } from '../../lambda/domain/messages';
import type { ReplySender } from '../../lambda/domain/ports';
import { walkWebhook } from '../../lambda/http/payload';
import { headerOf, methodOf, rawBodyOf } from '../../lambda/http/request';
import { checkSignature, SIGNATURE_HEADER } from '../../lambda/http/signature';

/**
 * What the comparison targets share with this project's handler: the same signature check over the
 * raw bytes, the same payload walk and the same Graph sender. Only the dedup around the reply differs.
 */
export type Intake =
  | { kind: 'answer'; response: APIGatewayProxyStructuredResultV2 }
  | { kind: 'messages'; messages: InboundMessage[] };

export interface TargetEnv {
  appSecret: string;
  replies: ReplySender;
  tableName: string | undefined;
}

/** Reads the environment the bench gives every target; a missing value fails the cold start. */
export function targetEnv(env: Record<string, string | undefined>): TargetEnv {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${name} is required`);
    return value;
  };
  const accessToken = required('WHATSAPP_ACCESS_TOKEN');
  return {
    appSecret: required('WHATSAPP_APP_SECRET'),
    replies: graphReplySender({
      baseUrl: required('GRAPH_API_BASE_URL'),
      version: env.GRAPH_API_VERSION ?? 'v26.0',
      accessToken: async () => accessToken,
    }),
    tableName: env.TABLE_NAME,
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function intake(event: APIGatewayProxyEventV2, appSecret: string): Intake {
  if (methodOf(event) !== 'POST') return answer(405);
  const rawBody = rawBodyOf(event);
  if (checkSignature(rawBody, headerOf(event, SIGNATURE_HEADER), appSecret) !== 'valid') return answer(401);
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(rawBody));
  } catch {
    return answer(400);
  }
  const walked = walkWebhook(json);
  if (walked.kind === 'ignored') return answer(200);
  return { kind: 'messages', messages: walked.batch.messages };
}

export const answer = (statusCode: number): Intake => ({ kind: 'answer', response: response(statusCode) });

export const response = (statusCode: number): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(statusCode < 300 ? { status: 'ok' } : { error: `HTTP ${statusCode}` }),
});
