/** One HTTP request the simulator made, as Meta would log it. */
export interface Attempt {
  /** The inbound wamids the body carried (empty for statuses and handshakes). */
  messageIds: string[];
  /** HTTP status, or `error` when no answer came (refused, reset, Meta's ~20 s timeout). */
  status: number | 'error';
  ms: number;
  /** Sent again because an earlier attempt of the same body was not answered 200. */
  redelivery: boolean;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface RepliesSeen {
  /** Replies to this run's messages found at the sink. */
  total: number;
  answeredOnce: number;
  /** Replies beyond the first to one message: must be 0. */
  duplicateReplies: number;
  /** Messages that expected a reply and got none. */
  missed: number;
  /** Replies to messages that should get none (a rejected signature, a reaction). */
  unexpected: number;
}

export interface RunSummary {
  messages: number;
  expectingReply: number;
  requests: number;
  /** Deliveries of a message beyond its first: the duplicates the handler must recognise. */
  duplicateDeliveries: number;
  redeliveries: number;
  statusCounts: Record<string, number>;
  latencyMs: Percentiles;
  /** Undefined when the target has no sink to read (a deployed webhook, `--graph real`). */
  replies: RepliesSeen | undefined;
}

/** Everything one simulator run sent and what it expects of each message. */
export class RunRecord {
  readonly attempts: Attempt[] = [];
  private readonly expected = new Map<string, boolean>();

  /** Declares a message this run sent, and whether the bot should answer it. */
  expect(messageId: string, expectsReply: boolean): void {
    this.expected.set(messageId, expectsReply);
  }

  add(attempt: Attempt): void {
    this.attempts.push(attempt);
  }

  get messageIds(): string[] {
    return [...this.expected.keys()];
  }

  /** Of `ids`, the messages the bot should answer. */
  expectingReply(ids: string[] = this.messageIds): string[] {
    return ids.filter((id) => this.expected.get(id));
  }

  /**
   * The run so far, or one part of it (`scope`: a scenario's messages and requests). `repliesByMessage`
   * comes from the sink; undefined when nothing can be seen there.
   */
  summarize(
    repliesByMessage: Map<string, number> | undefined,
    scope: { ids: string[]; attempts: Attempt[] } = { ids: this.messageIds, attempts: this.attempts },
  ): RunSummary {
    const { ids, attempts } = scope;
    const deliveriesPerMessage = new Map<string, number>();
    for (const attempt of attempts) {
      for (const id of attempt.messageIds)
        deliveriesPerMessage.set(id, (deliveriesPerMessage.get(id) ?? 0) + 1);
    }
    let duplicateDeliveries = 0;
    for (const count of deliveriesPerMessage.values()) duplicateDeliveries += Math.max(0, count - 1);
    const statusCounts: Record<string, number> = {};
    for (const { status } of attempts) statusCounts[String(status)] = (statusCounts[String(status)] ?? 0) + 1;
    return {
      messages: ids.length,
      expectingReply: ids.filter((id) => this.expected.get(id)).length,
      requests: attempts.length,
      duplicateDeliveries,
      redeliveries: attempts.filter((attempt) => attempt.redelivery).length,
      statusCounts,
      latencyMs: percentiles(attempts.map((attempt) => attempt.ms)),
      replies: repliesByMessage === undefined ? undefined : this.countReplies(ids, repliesByMessage),
    };
  }

  private countReplies(ids: string[], repliesByMessage: Map<string, number>): RepliesSeen {
    const seen: RepliesSeen = { total: 0, answeredOnce: 0, duplicateReplies: 0, missed: 0, unexpected: 0 };
    for (const id of ids) {
      const replies = repliesByMessage.get(id) ?? 0;
      seen.total += replies;
      if (this.expected.get(id)) {
        if (replies === 0) seen.missed++;
        if (replies === 1) seen.answeredOnce++;
        seen.duplicateReplies += Math.max(0, replies - 1);
      } else {
        seen.unexpected += replies;
      }
    }
    return seen;
  }
}

/** Nearest-rank percentiles, in whole milliseconds. */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    if (sorted.length === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return Math.round(sorted[rank - 1] ?? 0);
  };
  return { p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}

/** Problems that make a run fail; empty when every message was answered exactly once. */
export function problemsOf(summary: RunSummary): string[] {
  const problems: string[] = [];
  const { replies } = summary;
  if (replies?.duplicateReplies) problems.push(`${replies.duplicateReplies} duplicate replies`);
  if (replies?.missed) problems.push(`${replies.missed} messages never answered`);
  if (replies?.unexpected) problems.push(`${replies.unexpected} replies to messages that needed none`);
  return problems;
}
