import type { Random } from '../random';
import { sleep } from '../sleep';
import {
  type DeliveryAnswer,
  META_DEFAULTS,
  type MetaOptions,
  type MetaPost,
  redeliveryDelay,
} from './delivery-policy';
import type { MetaItem } from './webhook-body';

export interface MetaStats {
  posts: number;
  messageDeliveries: number;
  statusDeliveries: number;
  /** Answers by kind: "200", "503", "500", "died" (502), "timed-out", "unreachable". */
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
 * The one model of how Meta delivers webhooks, for the storm, the simulator and the benchmark:
 * every scheduled item is delivered when due, items due together may share a body, copies can wait
 * for the first answer to their message, and every item of a non-200 answer is delivered again with
 * backoff, regrouped with whatever else is due, until Meta gives it up.
 */
export class MetaDelivery {
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
    private readonly deliver: (post: MetaPost) => Promise<DeliveryAnswer>,
    private readonly random: Random,
    private readonly options: MetaOptions = META_DEFAULTS,
    /** Sees every POST once answered. */
    private readonly observe?: (post: MetaPost, answer: DeliveryAnswer) => void,
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

  /** Items still to deliver (due, waiting, or in a POST in flight). */
  backlog(): { waiting: number; inFlight: number } {
    const held = [...this.held.values()].reduce((sum, copies) => sum + copies.length, 0);
    return { waiting: this.pending.length + held, inFlight: this.inFlight };
  }

  /** Runs until nothing is due, held or in flight and `quiet()` agrees for a few ticks, or `timeoutMs` passes. */
  async run(quiet: () => boolean, timeoutMs: number): Promise<'done' | 'timed-out'> {
    const stopAt = Date.now() + timeoutMs;
    let idleTicks = 0;
    for (;;) {
      const now = Date.now();
      const free = this.options.maxInFlight - this.inFlight;
      const due = this.pending.filter((p) => p.dueAt <= now);
      const bodies = this.batches(due).slice(0, Math.max(0, free));
      const sending = new Set(bodies.flat());
      this.pending = this.pending.filter((p) => !sending.has(p));
      for (const body of bodies) void this.post(body);
      const idle = this.pending.length === 0 && this.held.size === 0 && this.inFlight === 0 && quiet();
      idleTicks = idle ? idleTicks + 1 : 0;
      if (idleTicks >= 5) return 'done';
      if (now > stopAt) return 'timed-out';
      await sleep(this.options.tickMs);
    }
  }

  /**
   * Items due now, grouped; two copies of one message rarely share a body. Batches are shuffled;
   * single items go oldest first, so a cap on POSTs in flight delays the newest.
   */
  private batches(due: Pending[]): Pending[][] {
    const bodies: Pending[][] = [];
    let rest = this.options.maxBatch === 1 ? due.sort((a, b) => a.dueAt - b.dueAt) : this.random.shuffle(due);
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
    const post: MetaPost = {
      number: ++this.stats.posts,
      items: body.map((p) => p.item),
      redelivered: body.some((p) => p.tries > 0),
    };
    for (const p of body) {
      if (p.item.kind === 'message') this.stats.messageDeliveries++;
      else this.stats.statusDeliveries++;
    }
    const answer = await this.deliver(post).catch((): DeliveryAnswer => ({ kind: 'unreachable' }));
    this.observe?.(post, answer);
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
      const dueAt = Date.now() + redeliveryDelay(this.options, p.tries, this.random);
      this.pending.push({ item: p.item, dueAt, tries: p.tries + 1 });
    }
    this.inFlight--;
  }

  private releaseHeld(messageId: string): void {
    const waiting = this.held.get(messageId);
    if (!waiting) return;
    this.held.delete(messageId);
    for (const { item, delayMs } of waiting) this.schedule(item, delayMs);
  }
}
