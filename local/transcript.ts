import { isRecord } from '../lambda/json-object';
import type { SinkRead, SinkReply } from './graph-sink';

const MAX_TEXT = 70;

/** `"text"` on one line, shortened: a transcript line should fit a terminal. */
export function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat);
}

const phone = (value: string): string => (/^\d+$/.test(value) ? `+${value}` : value);

/** `-> +16505551234 "test is working" (reply to wamid...)`; other types add `[detail]` (graph-sink.ts). */
export function replyLine(reply: SinkReply): string {
  const context = reply.inReplyTo === undefined ? '' : ` (reply to ${reply.inReplyTo})`;
  const detail = reply.detail === undefined ? '' : ` [${reply.detail}]`;
  return `-> ${phone(reply.to)} ${quote(reply.text)}${detail}${context}`;
}

/** `-> read wamid... (typing...)`: the blue ticks, and the typing indicator when it was asked for. */
export function readLine(read: SinkRead): string {
  return `-> read ${read.messageId}${read.typing ? ' (typing...)' : ''}`;
}

export interface InboundSummary {
  lines: string[];
  messages: number;
  statuses: number;
}

/**
 * `<- +16505551234 "test" (wamid...)` for each message of a webhook body, for the transcript only.
 * The handler parses the body itself after checking its signature; this never decides anything.
 */
export function describeInbound(rawBody: Buffer): InboundSummary {
  const summary: InboundSummary = { lines: [], messages: 0, statuses: 0 };
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return summary;
  }
  for (const value of values(body)) {
    for (const message of records(value.messages)) {
      summary.messages++;
      const from =
        typeof message.from === 'string' && message.from !== '' ? message.from : message.from_user_id;
      const text =
        isRecord(message.text) && typeof message.text.body === 'string' ? quote(message.text.body) : '';
      const content = text === '' ? `[${String(message.type ?? 'unknown')}]` : text;
      summary.lines.push(`<- ${phone(String(from ?? '?'))} ${content} (${String(message.id ?? 'no id')})`);
    }
    summary.statuses += records(value.statuses).length;
  }
  return summary;
}

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);

function values(body: unknown): Json[] {
  if (!isRecord(body)) return [];
  return records(body.entry).flatMap((entry) =>
    records(entry.changes).flatMap((change) => (isRecord(change.value) ? [change.value] : [])),
  );
}
