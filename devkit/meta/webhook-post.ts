import { signatureFor } from '../../lambda/http/signature';
import { type DeliveryAnswer, META_TIMEOUT_MS } from './delivery-policy';

/** The user agent Meta's webhook requests carry. */
export const META_USER_AGENT = 'facebookexternalua';

export interface WebhookPostOptions {
  appSecret: string;
  /** Overrides the signature header: a wrong value, or null for none at all. */
  signature?: string | null;
  userAgent?: string;
}

/**
 * One webhook POST over HTTP as Meta sends it: signed over the exact bytes, given up after Meta's
 * ~20 s. Never throws: no answer is `timed-out` (Meta's own timeout) or `unreachable`.
 */
export async function postWebhook(
  url: string,
  rawBody: string,
  options: WebhookPostOptions,
): Promise<DeliveryAnswer> {
  const signature =
    options.signature === undefined ? signatureFor(rawBody, options.appSecret) : options.signature;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': options.userAgent ?? META_USER_AGENT,
        ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
      },
      body: rawBody,
      signal: AbortSignal.timeout(META_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { kind: 'answered', status: response.status };
  } catch (error) {
    return error instanceof Error && error.name === 'TimeoutError'
      ? { kind: 'timed-out' }
      : { kind: 'unreachable' };
  }
}
