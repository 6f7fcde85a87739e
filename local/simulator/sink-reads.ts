import { sinkRecord } from './sink-reader';

/** One read receipt the sink recorded (`reads` of `GET /__sink/replies`). */
export interface SeenRead {
  messageId: string;
  typing: boolean;
  at: string;
}

/** The read receipts for wamids starting with `prefix`; undefined when there is no sink to read. */
export async function readReceipts(
  sinkUrl: string | undefined,
  prefix: string,
): Promise<SeenRead[] | undefined> {
  const body = await sinkRecord(sinkUrl, prefix);
  const reads = body === undefined ? undefined : Reflect.get(body, 'reads');
  if (!Array.isArray(reads)) return undefined;
  return reads.flatMap((read: unknown) => {
    if (typeof read !== 'object' || read === null) return [];
    const messageId: unknown = Reflect.get(read, 'messageId');
    const at: unknown = Reflect.get(read, 'at');
    if (typeof messageId !== 'string' || typeof at !== 'string') return [];
    return [{ messageId, typing: Reflect.get(read, 'typing') === true, at }];
  });
}
