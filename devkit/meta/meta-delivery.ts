import type { Random } from '../random';
import { type MetaItem, webhookBody } from './webhook-body';

/** What Meta saw for one POST: an HTTP answer, a crashed invocation (502), or its own timeout. */
export type DeliveryAnswer = { kind: 'answered'; status: number } | { kind: 'died' } | { kind: 'timed-out' };

export interface MetaOptions {
  /** How often the delivery queue is drained; items due in one tick may share a body. */
  tickMs: number;
  /** Largest number of items in one body. */
  maxBatch: number;
  /** Backoff of Meta's redelivery after a non-200: base, doubling up to the cap, with jitter. */
  retryBaseMs: number;
  retryCapMs: number;
  /** Meta gives an item up after this many failed deliveries (a miss, reported). */
  maxTries: number;
}

export const META_DEFAULTS: MetaOptions = {
  tickMs: 40,
  maxBatch: 4,
  retryBaseMs: 150,
  retryCapMs: 2_000,
  maxTries: 40,
};

export interface MetaStats {
  posts: number;
  messageDeliveries: number;
  statusDeliveries: number;
  /** Answers by kind: "200", "503", "500", "died" (502), "timed-out". */
  answers: Record<string, number>;
  /** POSTs Meta had to deliver again because the answer was not 200. */
  nonOkPosts: number;
  gaveUp: number;
}

interface Pending {
  item: MetaItem;
  dueAt: number;
  tries: number;
}

/**
 * Meta's side of the webhook: delivers every scheduled item, batching what is due together, and
 * redelivers every item of a non-200 answer with backoff, regrouped with whatever else is due.
 */
export class MetaSimulator {
  readonly stats: MetaStats = {
    posts: 0,
    messageDeliveries: 0,
    statusDeliveries: 0,
    answers: {},
    nonOkPosts: 0,
    gaveUp: 0,
  };
  private pending: Pending[] = [];
  /** Copies sent only once copy 0 of their message got its first answer. */
  private held = new Map<string, { item: MetaItem; delayMs: number }[]>();
  private inFlight = 0;

  constructor(
    private readonly deliver: (body: string) => Promise<DeliveryAnswer>,
    private readonly random: Random,
    private readonly options: MetaOptions = META_DEFAULTS,
    /** Sees every POST: what it carried and how it was answered. */
    private readonly observe?: (items: MetaItem[], answer: DeliveryAnswer, post: number) => void,
  ) {}

  schedule(item: MetaItem, delayMs: number): void {
    this.pending.push({ item, dueAt: Date.now() + delayMs, tries: 0 });
  }

  /** Sends `item` `delayMs` after the first answer to copy 0 of the same message. */
  scheduleAfterFirstAnswer(item: MetaItem & { kind: 'message' }, delayMs: number): void {
    const waiting = this.held.get(item.message.id) ?? [];
    waiting.push({ item, delayMs });
    this.held.set(item.message.id, waiting);
  }

  /** Runs until nothing is due, held or in flight and `quiet()` agrees for a few ticks, or `timeoutMs` passes. */
  async run(quiet: () => boolean, timeoutMs: number): Promise<'done' | 'timed-out'> {
    const stopAt = Date.now() + timeoutMs;
    let idleTicks = 0;
    for (;;) {
      const now = Date.now();
      const due = this.pending.filter((p) => p.dueAt <= now);
      this.pending = this.pending.filter((p) => p.dueAt > now);
      for (const body of this.batches(due)) void this.post(body);
      const idle = this.pending.length === 0 && this.held.size === 0 && this.inFlight === 0 && quiet();
      idleTicks = idle ? idleTicks + 1 : 0;
      if (idleTicks >= 5) return 'done';
      if (now > stopAt) return 'timed-out';
      await new Promise((resolve) => setTimeout(resolve, this.options.tickMs));
    }
  }

  /** Items due now, shuffled and grouped; two copies of one message rarely share a body. */
  private batches(due: Pending[]): Pending[][] {
    const bodies: Pending[][] = [];
    let rest = this.random.shuffle(due);
    while (rest.length > 0) {
      const size = this.random.int(1, this.options.maxBatch);
      const body: Pending[] = [];
      const ids = new Set<string>();
      const left: Pending[] = [];
      for (const p of rest) {
        const id = p.item.kind === 'message' ? p.item.message.id : undefined;
        const clash = id !== undefined && ids.has(id) && !this.random.chance(0.05);
        if (body.length < size && !clash) {
          body.push(p);
          if (id !== undefined) ids.add(id);
        } else left.push(p);
      }
      bodies.push(body);
      rest = left;
    }
    return bodies;
  }

  private async post(body: Pending[]): Promise<void> {
    this.inFlight++;
    const post = ++this.stats.posts;
    for (const p of body) {
      if (p.item.kind === 'message') this.stats.messageDeliveries++;
      else this.stats.statusDeliveries++;
    }
    const answer = await this.deliver(
      webhookBody(
        body.map((p) => p.item),
        Math.floor(Date.now() / 1000),
      ),
    );
    this.observe?.(
      body.map((p) => p.item),
      answer,
      post,
    );
    const label = answer.kind === 'answered' ? String(answer.status) : answer.kind;
    this.stats.answers[label] = (this.stats.answers[label] ?? 0) + 1;
    const ok = answer.kind === 'answered' && answer.status === 200;
    if (!ok) this.stats.nonOkPosts++;
    for (const p of body) {
      if (p.item.kind === 'message' && p.item.copy === 0) this.releaseHeld(p.item.message.id);
      if (ok) continue;
      if (p.tries + 1 >= this.options.maxTries) {
        this.stats.gaveUp++;
        continue;
      }
      this.pending.push({ item: p.item, dueAt: Date.now() + this.backoff(p.tries), tries: p.tries + 1 });
    }
    this.inFlight--;
  }

  private releaseHeld(messageId: string): void {
    const waiting = this.held.get(messageId);
    if (!waiting) return;
    this.held.delete(messageId);
    for (const { item, delayMs } of waiting) this.schedule(item, delayMs);
  }

  private backoff(tries: number): number {
    const base = Math.min(this.options.retryBaseMs * 2 ** tries, this.options.retryCapMs);
    return Math.round(base * (0.8 + 0.4 * this.random.next()));
  }
}
