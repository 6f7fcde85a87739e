import { createHmac } from 'node:crypto';
import { BotError } from '../domain/bot';

export const SIGNATURE_HEADER = 'x-bot-signature-256';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the same scheme as Meta's X-Hub-Signature-256. */
export const signatureOf = (body: string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

export interface BotEndpoint {
  url: string;
  timeoutMs: number;
  /** The signing key, or undefined when none is configured (Rasa). Read per call: it may rotate. */
  secret: () => Promise<string | undefined>;
  fetch?: typeof globalThis.fetch;
}

/**
 * POSTs one JSON body and returns the parsed answer. Every failure to get an answer is a BotError
 * (retryable: the claim is given back): unreachable, timed out, an error status, not JSON. Its
 * message names the URL's host and the status, never the body (personal data) or the key.
 */
export async function postToBot(endpoint: BotEndpoint, payload: unknown): Promise<unknown> {
  const body = JSON.stringify(payload);
  const secret = await endpoint.secret();
  const host = new URL(endpoint.url).host;
  let response: Response;
  try {
    response = await (endpoint.fetch ?? globalThis.fetch)(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === undefined ? {} : { [SIGNATURE_HEADER]: signatureOf(body, secret) }),
      },
      body,
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new BotError(
      timedOut
        ? `bot at ${host} did not answer within ${endpoint.timeoutMs} ms`
        : `bot at ${host} is unreachable`,
      { cause: error },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new BotError(`bot at ${host} answered HTTP ${response.status}`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new BotError(`bot at ${host} answered a body that is not JSON`, { cause: error });
  }
}
