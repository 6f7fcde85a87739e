import { isRecord } from '../lambda/json-object';
/**
 * The two Graph API calls that connect a deployed webhook to Meta:
 * 1. `POST /{app-id}/subscriptions` sets the app's callback URL and verify token for the
 *    `whatsapp_business_account` object and its fields. Meta calls the callback's GET handshake
 *    while answering, so the stack must be deployed and its secret filled first. Needs an app access
 *    token (`{app-id}|{app-secret}`).
 * 2. `POST /{waba-id}/subscribed_apps` subscribes the WhatsApp Business Account to the app, so its
 *    webhooks flow. Needs the access token of a user with whatsapp_business_management on the WABA.
 */

export interface SubscriptionInput {
  graphBaseUrl: string;
  graphVersion: string;
  appId: string;
  appSecret: string;
  wabaId: string;
  accessToken: string;
  callbackUrl: string;
  verifyToken: string;
  fields: string[];
}

export interface GraphCall {
  description: string;
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** The same call with every credential replaced by its name, for printing. */
  redacted: { headers: Record<string, string>; body: string | undefined };
}

export function subscriptionCalls(input: SubscriptionInput): GraphCall[] {
  const base = `${input.graphBaseUrl.replace(/\/+$/, '')}/${input.graphVersion}`;
  const appToken = `${input.appId}|${input.appSecret}`;
  const form = (token: string, verifyToken: string) =>
    new URLSearchParams({
      object: 'whatsapp_business_account',
      callback_url: input.callbackUrl,
      verify_token: verifyToken,
      fields: input.fields.join(','),
      access_token: token,
    }).toString();
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
  return [
    {
      description: "Set the app's webhook callback URL, verify token and fields",
      method: 'POST',
      url: `${base}/${encodeURIComponent(input.appId)}/subscriptions`,
      headers: formHeaders,
      body: form(appToken, input.verifyToken),
      redacted: {
        headers: formHeaders,
        body: form(`${input.appId}|${hidden('appSecret')}`, hidden('verifyToken')),
      },
    },
    {
      description: 'Subscribe the WhatsApp Business Account to the app',
      method: 'POST',
      url: `${base}/${encodeURIComponent(input.wabaId)}/subscribed_apps`,
      headers: { authorization: `Bearer ${input.accessToken}` },
      body: undefined,
      redacted: { headers: { authorization: `Bearer ${hidden('accessToken')}` }, body: undefined },
    },
  ];
}

export class GraphCallError extends Error {
  override name = 'GraphCallError';
  constructor(
    readonly call: GraphCall,
    readonly status: number,
    readonly graphError: { code?: number; message?: string } | undefined,
  ) {
    super(
      `${call.description} failed: HTTP ${status}${graphError?.code === undefined ? '' : ` code ${graphError.code}`}${graphError?.message ? ` (${graphError.message})` : ''}`,
    );
  }
}

/** Sends the calls in order and stops at the first one Graph does not answer with `success`. */
export async function subscribe(
  input: SubscriptionInput,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): Promise<GraphCall[]> {
  const calls = subscriptionCalls(input);
  for (const call of calls) {
    const response = await fetchImpl(call.url, {
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      signal: AbortSignal.timeout(30_000),
    });
    const body: unknown = await response.json().catch(() => undefined);
    const success = isRecord(body) && (body.success === true || body.success === 'true');
    if (!response.ok || !success) throw new GraphCallError(call, response.status, graphErrorOf(body));
  }
  return calls;
}

/**
 * Stands for a credential in printed output. Only the name: any part of the value (even a prefix, which
 * narrows a guess and lands in terminal logs) stays out. `*` survives form encoding unescaped.
 */
export const hidden = (name: 'appSecret' | 'accessToken' | 'verifyToken'): string => `***${name}***`;

function graphErrorOf(body: unknown): { code?: number; message?: string } | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { code, message } = body.error;
  return {
    ...(typeof code === 'number' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}
