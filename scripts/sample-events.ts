import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { messagesWebhook, metaJson, statusWebhook } from '../devkit/meta/meta-json';
import { apiEvent, signedPost } from '../devkit/webhook-events';
import { ENV } from '../lambda/config/env-names';
import { encodeCallbackData } from '../lambda/domain/callback-data';

/**
 * Local-only stand-ins for the three credentials. They sign the sample events and go into the env-vars
 * file; they are not secrets and must never be used for a real app.
 */
export const LOCAL_CREDENTIALS = {
  appSecret: 'local-app-secret-for-sample-events',
  accessToken: 'local-access-token',
  verifyToken: 'local-verify-token',
} as const;

export const SAMPLE_PHONE_NUMBER_ID = '106540352242922';
export const SAMPLE_MESSAGE_ID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=';
export const SAMPLE_CHALLENGE = '1158201444';

/** File names under events/, in the order `npm run invoke` plays them when given none. */
export const SAMPLE_EVENT_FILES = [
  'handshake.json',
  'text-message.json',
  'text-message-again.json',
  'status-sent.json',
  'bad-signature.json',
] as const;
export type SampleEventFile = (typeof SAMPLE_EVENT_FILES)[number];

export interface SampleCredentials {
  appSecret: string;
  verifyToken: string;
}

/**
 * API Gateway HTTP API (payload 2.0) events as the webhook route receives them, all from one secret,
 * for a message Meta sent at `sentAtMs` (npm run events: a few seconds before it runs).
 */
export function sampleEvents(
  credentials: SampleCredentials,
  sentAtMs: number,
): Record<SampleEventFile, APIGatewayProxyEventV2> {
  const text = metaJson(
    messagesWebhook(SAMPLE_PHONE_NUMBER_ID, [{ id: SAMPLE_MESSAGE_ID, text: 'hello' }], sentAtMs),
  );
  const status = metaJson(
    statusWebhook(
      SAMPLE_PHONE_NUMBER_ID,
      {
        id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI4QzVCNjc5MzdBRjQ4QTBGRDgA',
        status: 'sent',
        callbackData: encodeCallbackData({
          key: { tenantId: SAMPLE_PHONE_NUMBER_ID, messageId: SAMPLE_MESSAGE_ID },
          attempt: 1,
        }),
      },
      sentAtMs + 7_000,
    ),
  );
  const handshakeQuery = new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.verify_token': credentials.verifyToken,
    'hub.challenge': SAMPLE_CHALLENGE,
  }).toString();
  return {
    'handshake.json': withRequestId(apiEvent({ method: 'GET', rawQueryString: handshakeQuery }), 'handshake'),
    'text-message.json': withRequestId(signedPost(text, credentials.appSecret), 'text-message'),
    // Meta's retry: the same bytes and signature, a new request.
    'text-message-again.json': withRequestId(signedPost(text, credentials.appSecret), 'text-message-again'),
    'status-sent.json': withRequestId(signedPost(status, credentials.appSecret), 'status-sent'),
    'bad-signature.json': withRequestId(signedPost(text, `${credentials.appSecret}-wrong`), 'bad-signature'),
  };
}

/** A distinct request id per file, as API Gateway gives every delivery (a retry included) its own. */
function withRequestId(event: APIGatewayProxyEventV2, requestId: string): APIGatewayProxyEventV2 {
  return { ...event, requestContext: { ...event.requestContext, requestId } };
}

export const LOCAL_TABLE_NAME = 'whatsapp-once-local';

/** Where a `sam local invoke` container reaches DynamoDB Local and a Graph stand-in on the host. */
export const DOCKER_HOST_ENDPOINTS = {
  dynamoDb: 'http://host.docker.internal:8000',
  graph: 'http://host.docker.internal:8081',
} as const;

/**
 * The `--env-vars` file for `sam local invoke` (the `Parameters` form applies to every function). The
 * empty secret id makes the runtime read the three credentials from the environment instead of Secrets
 * Manager. Endpoints point at the Docker host, where DynamoDB Local and a Graph stand-in listen.
 */
export function samEnvVars(
  credentials: SampleCredentials & { accessToken: string },
  endpoints: { dynamoDb: string; graph: string },
) {
  return {
    Parameters: {
      [ENV.tableName]: LOCAL_TABLE_NAME,
      [ENV.secretId]: '',
      [ENV.appSecret]: credentials.appSecret,
      [ENV.accessToken]: credentials.accessToken,
      [ENV.verifyToken]: credentials.verifyToken,
      [ENV.graphBaseUrl]: endpoints.graph,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoDb,
    },
  };
}
