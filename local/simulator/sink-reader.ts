import { decodeCallbackData } from '../../lambda/domain/callback-data';

export interface SeenReply {
  inReplyTo: string;
  text: string;
  /** Graph's message type (`text`, `interactive`...); `unknown` from a sink that does not say. */
  kind: string;
  /** What tells apart messages of one type (local/graph-sink.ts `SinkReply.detail`); absent for text. */
  detail?: string;
  /** The part's index in a multi-part answer; 0 for a single part. */
  part: number;
  /** When the sink received it (ISO 8601), if the sink says. */
  at?: string;
  /** The claim attempt that sent it (from `biz_opaque_callback_data`); undefined without it. */
  attempt?: number | undefined;
}

/**
 * The replies the local server's Graph sink recorded for wamids starting with `prefix`
 * (`GET /__sink/replies`). Undefined when there is no sink to read: a deployed webhook, or a local
 * server on `--graph real`; the simulator then reports only what it can see.
 */
export async function readSink(
  sinkUrl: string | undefined,
  prefix: string,
): Promise<SeenReply[] | undefined> {
  const body = await sinkRecord(sinkUrl, prefix);
  const replies = body === undefined ? undefined : Reflect.get(body, 'replies');
  if (!Array.isArray(replies)) return undefined;
  return replies.flatMap((reply: unknown) => {
    if (typeof reply !== 'object' || reply === null) return [];
    const inReplyTo: unknown = Reflect.get(reply, 'inReplyTo');
    const text: unknown = Reflect.get(reply, 'text');
    const kind: unknown = Reflect.get(reply, 'kind');
    const part: unknown = Reflect.get(reply, 'part');
    const detail: unknown = Reflect.get(reply, 'detail');
    const index: unknown = typeof part === 'object' && part !== null ? Reflect.get(part, 'index') : 0;
    const at: unknown = Reflect.get(reply, 'at');
    const callbackData: unknown = Reflect.get(reply, 'callbackData');
    if (typeof inReplyTo !== 'string') return [];
    return [
      {
        inReplyTo,
        text: typeof text === 'string' ? text : '',
        kind: typeof kind === 'string' ? kind : 'unknown',
        ...(typeof detail === 'string' ? { detail } : {}),
        part: typeof index === 'number' ? index : 0,
        ...(typeof at === 'string' ? { at } : {}),
        attempt: decodeCallbackData(typeof callbackData === 'string' ? callbackData : undefined)?.attempt,
      },
    ];
  });
}

/** `GET /__sink/replies?prefix=...` as an object, or undefined when there is no sink to read. */
export async function sinkRecord(sinkUrl: string | undefined, prefix: string): Promise<object | undefined> {
  if (sinkUrl === undefined) return undefined;
  try {
    const url = new URL(sinkUrl);
    url.searchParams.set('prefix', prefix);
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (response.status !== 200) return undefined;
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long the simulator waits for a queued server's replies, and then for any duplicate of them.
 * Most replies come within a stream poll and the bot; one whose lease looked taken (a store write
 * that timed out and landed, on a busy machine) comes from a re-drive once that lease is over: the
 * worker's 60 s timeout plus the takeover grace. The wait covers that, twice over.
 */
export const QUEUED_WAIT = { timeoutMs: 150_000, settleMs: 1_500, pollMs: 100 };

/**
 * The sink's record once every message of `expected` has a reply (or `timeoutMs` passed), then again
 * after `settleMs`: in queued mode the webhook answers before the worker replies, and a duplicate
 * reply would come after the first. A few stream polls of settling is what can be observed, not a proof.
 */
export async function awaitReplies(
  sinkUrl: string | undefined,
  prefix: string,
  expected: string[],
  wait = QUEUED_WAIT,
): Promise<SeenReply[] | undefined> {
  const started = Date.now();
  for (;;) {
    const seen = await readSink(sinkUrl, prefix);
    if (seen === undefined) return undefined;
    const answered = new Set(seen.map((reply) => reply.inReplyTo));
    if (expected.every((id) => answered.has(id)) || Date.now() - started > wait.timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, wait.pollMs));
  }
  await new Promise((resolve) => setTimeout(resolve, wait.settleMs));
  return readSink(sinkUrl, prefix);
}

/**
 * Answers per inbound message: 1 when each part of its answer reached the sink once, plus one for
 * every extra copy of a part. The parts of one multi-part answer are one answer, not duplicates.
 */
export function countByMessage(replies: SeenReply[] | undefined): Map<string, number> | undefined {
  if (replies === undefined) return undefined;
  const partsSeen = new Map<string, Set<number>>();
  const counts = new Map<string, number>();
  for (const { inReplyTo, part } of replies) {
    const parts = partsSeen.get(inReplyTo) ?? new Set<number>();
    partsSeen.set(inReplyTo, parts);
    const firstCopy = !parts.has(part);
    parts.add(part);
    counts.set(inReplyTo, (counts.get(inReplyTo) ?? 0) + (firstCopy && parts.size > 1 ? 0 : 1));
  }
  return counts;
}

/** The replies to one message, in the order the sink received them. */
export const repliesTo = (replies: SeenReply[], id: string): SeenReply[] =>
  replies.filter((reply) => reply.inReplyTo === id);
