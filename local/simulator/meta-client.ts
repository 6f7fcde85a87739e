import { META_DEFAULTS, META_TIMEOUT_MS, redeliveryDelay } from '../../devkit/meta/delivery-policy';
import { META_USER_AGENT, postWebhook } from '../../devkit/meta/webhook-post';
import { seededRandom } from '../../devkit/random';
import { sleep } from '../../devkit/sleep';
import type { Attempt, RunRecord } from './run-record';

/**
 * Meta retries "with decreasing frequency" for up to 7 days; the simulator compresses that into
 * seconds (its command-line knobs), through the devkit's Meta backoff.
 */
export interface Redelivery {
  maxAttempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_REDELIVERY: Redelivery = { maxAttempts: 6, firstDelayMs: 100, maxDelayMs: 3_000 };

export const metaOptionsFor = (policy: Redelivery) => ({
  maxTries: policy.maxAttempts,
  retryBaseMs: policy.firstDelayMs,
  retryCapMs: policy.maxDelayMs,
});

export interface PostOptions {
  /** Overrides the header: a wrong value, or null for none at all. */
  signature?: string | null;
  redelivery?: boolean;
}

/** Plays Meta's side of the webhook: signs bodies over their exact bytes, posts them, times them. */
export class MetaClient {
  /** Draws the backoff's jitter: the same run of a scenario waits the same. */
  private readonly random = seededRandom(1);

  constructor(
    readonly webhookUrl: string,
    private readonly appSecret: string,
    private readonly record: RunRecord,
    private readonly redelivery: Redelivery = DEFAULT_REDELIVERY,
  ) {}

  /** One POST, recorded. Never throws: a request that got no answer is recorded as `error`. */
  async post(rawBody: string, messageIds: string[], options: PostOptions = {}): Promise<Attempt> {
    const started = performance.now();
    const answer = await postWebhook(this.webhookUrl, rawBody, {
      appSecret: this.appSecret,
      ...(options.signature === undefined ? {} : { signature: options.signature }),
    });
    const status: Attempt['status'] = answer.kind === 'answered' ? answer.status : 'error';
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
      await sleep(
        redeliveryDelay({ ...META_DEFAULTS, ...metaOptionsFor(policy) }, attempts.length - 1, this.random),
      );
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
