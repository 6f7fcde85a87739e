import { sleep } from '../../devkit/sleep';
import { signatureFor } from '../../lambda/http/signature';
import type { Attempt, RunRecord } from './run-record';

/** The user agent Meta's webhook requests carry. */
const META_USER_AGENT = 'facebookexternalua';
/** Meta gives up on an answer after about 20 s, and then delivers again. */
const META_TIMEOUT_MS = 20_000;

/**
 * Meta retries "with decreasing frequency" for up to 7 days; the simulator compresses that into
 * seconds: the first retry at once, then doubling pauses, and a cap on attempts.
 */
export interface Redelivery {
  maxAttempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_REDELIVERY: Redelivery = { maxAttempts: 6, firstDelayMs: 100, maxDelayMs: 3_000 };

export const redeliveryDelay = (policy: Redelivery, retry: number): number =>
  Math.min(policy.firstDelayMs * 2 ** (retry - 1), policy.maxDelayMs);

export interface PostOptions {
  /** Overrides the header: a wrong value, or null for none at all. */
  signature?: string | null;
  redelivery?: boolean;
}

/** Plays Meta's side of the webhook: signs bodies over their exact bytes, posts them, times them. */
export class MetaClient {
  constructor(
    readonly webhookUrl: string,
    private readonly appSecret: string,
    private readonly record: RunRecord,
    private readonly redelivery: Redelivery = DEFAULT_REDELIVERY,
  ) {}

  /** One POST, recorded. Never throws: a request that got no answer is recorded as `error`. */
  async post(rawBody: string, messageIds: string[], options: PostOptions = {}): Promise<Attempt> {
    const signature =
      options.signature === undefined ? signatureFor(rawBody, this.appSecret) : options.signature;
    const started = performance.now();
    let status: Attempt['status'];
    try {
      const response = await fetch(this.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': META_USER_AGENT,
          ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
        },
        body: rawBody,
        signal: AbortSignal.timeout(META_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 'error';
    }
    const attempt: Attempt = {
      messageIds,
      status,
      ms: performance.now() - started,
      redelivery: options.redelivery ?? false,
    };
    this.record.add(attempt);
    return attempt;
  }

  /**
   * Delivers like Meta: anything but 200 ("a status code other than 200", Meta's words) is delivered
   * again after a pause, until it is accepted or the attempts run out. Returns every attempt.
   */
  async deliver(rawBody: string, messageIds: string[], policy = this.redelivery): Promise<Attempt[]> {
    const attempts = [await this.post(rawBody, messageIds)];
    while (attempts.at(-1)?.status !== 200 && attempts.length < policy.maxAttempts) {
      await sleep(redeliveryDelay(policy, attempts.length));
      attempts.push(await this.post(rawBody, messageIds, { redelivery: true }));
    }
    return attempts;
  }

  /** Meta's subscription check: `GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`. */
  async handshake(
    verifyToken: string,
    challenge: string,
  ): Promise<{ status: number | 'error'; body: string }> {
    const url = new URL(this.webhookUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', verifyToken);
    url.searchParams.set('hub.challenge', challenge);
    const started = performance.now();
    try {
      const response = await fetch(url, {
        headers: { 'user-agent': META_USER_AGENT },
        signal: AbortSignal.timeout(META_TIMEOUT_MS),
      });
      const body = await response.text();
      this.record.add({
        messageIds: [],
        status: response.status,
        ms: performance.now() - started,
        redelivery: false,
      });
      return { status: response.status, body };
    } catch {
      this.record.add({
        messageIds: [],
        status: 'error',
        ms: performance.now() - started,
        redelivery: false,
      });
      return { status: 'error', body: '' };
    }
  }
}
