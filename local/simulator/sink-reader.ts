export interface SeenReply {
  inReplyTo: string;
  text: string;
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
  if (sinkUrl === undefined) return undefined;
  let body: unknown;
  try {
    const url = new URL(sinkUrl);
    url.searchParams.set('prefix', prefix);
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (response.status !== 200) return undefined;
    body = await response.json();
  } catch {
    return undefined;
  }
  const replies = typeof body === 'object' && body !== null ? Reflect.get(body, 'replies') : undefined;
  if (!Array.isArray(replies)) return undefined;
  return replies.flatMap((reply: unknown) => {
    if (typeof reply !== 'object' || reply === null) return [];
    const inReplyTo: unknown = Reflect.get(reply, 'inReplyTo');
    const text: unknown = Reflect.get(reply, 'text');
    return typeof inReplyTo === 'string' ? [{ inReplyTo, text: typeof text === 'string' ? text : '' }] : [];
  });
}

export function countByMessage(replies: SeenReply[] | undefined): Map<string, number> | undefined {
  if (replies === undefined) return undefined;
  const counts = new Map<string, number>();
  for (const { inReplyTo } of replies) counts.set(inReplyTo, (counts.get(inReplyTo) ?? 0) + 1);
  return counts;
}
