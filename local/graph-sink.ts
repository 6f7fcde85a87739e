import { type GraphRequest, startGraphStub } from '../devkit/graph-stub';
import { decodeCallbackData, type PartOf } from '../lambda/domain/callback-data';
import { isRecord } from '../lambda/json-object';

/** One reply the handler sent, as the sink recorded it. */
export interface SinkReply {
  phoneNumberId: string;
  to: string;
  /** The text a user reads: a text's body, an interactive message's body, else `(<type> message)`. */
  text: string;
  /** Graph's message `type`: text, interactive, reaction, image, template... */
  kind?: string;
  /**
   * What tells apart messages of one type: an interactive message's `type: id, id` (`button: yes, no`),
   * a media message's link or id, a template's name and language, a location's coordinates, a
   * reaction's emoji; absent for text.
   */
  detail?: string;
  /** Which part of a multi-part answer (from `biz_opaque_callback_data`); absent for a single part. */
  part?: PartOf;
  /** The inbound wamid the reply quotes (`context.message_id`; a reaction's `reaction.message_id`). */
  inReplyTo: string | undefined;
  callbackData: string | undefined;
  /** The wamid the sink answered with, as Graph would. */
  outboundId: string;
  at: string;
}

/** One read receipt (MARK_AS_READ, with TYPING_INDICATOR's `typing_indicator`): not a reply, never echoed. */
export interface SinkRead {
  phoneNumberId: string;
  /** The inbound wamid marked read. */
  messageId: string;
  /** Whether it asked WhatsApp to show "typing..." until the reply. */
  typing: boolean;
  at: string;
}

export interface GraphSink {
  baseUrl: string;
  /** Replies so far, optionally only those quoting a wamid that starts with `inReplyToPrefix`. */
  replies(inReplyToPrefix?: string): SinkReply[];
  /** Read receipts so far, optionally only those for a wamid that starts with `messageIdPrefix`. */
  reads(messageIdPrefix?: string): SinkRead[];
  close(): Promise<void>;
}

/**
 * A stand-in for the Graph API `/{version}/{phone-number-id}/messages` endpoint on 127.0.0.1: it accepts
 * every reply like Graph does (200 with a new wamid), sends nothing anywhere, and keeps a record.
 * It is the Graph stub the integration tests use, so local runs and tests see the same Graph.
 */
export async function startGraphSink(
  onReply: (reply: SinkReply) => void,
  onRead: (read: SinkRead) => void = () => {},
): Promise<GraphSink> {
  const replies: SinkReply[] = [];
  const reads: SinkRead[] = [];
  const stub = await startGraphStub({
    onAccepted: (request, outboundId) => {
      // Meta's "mark as read" shares the messages endpoint but sends no message: kept apart, so it is
      // neither counted as a reply nor confirmed by a `sent` status echo.
      const read = toRead(request);
      if (read !== undefined) {
        reads.push(read);
        onRead(read);
        return;
      }
      const reply = toReply(request, outboundId);
      replies.push(reply);
      onReply(reply);
    },
  });
  return {
    baseUrl: stub.baseUrl,
    replies: (prefix) =>
      prefix === undefined ? [...replies] : replies.filter((reply) => reply.inReplyTo?.startsWith(prefix)),
    reads: (prefix) =>
      prefix === undefined ? [...reads] : reads.filter((read) => read.messageId.startsWith(prefix)),
    close: () => stub.close(),
  };
}

/** `{"status": "read", "message_id": ...}` (lambda/adapters/graph-reply-sender.ts `readReceiptBody`). */
function toRead(request: GraphRequest): SinkRead | undefined {
  const { body } = request;
  if (body.status !== 'read' || typeof body.message_id !== 'string') return undefined;
  return {
    phoneNumberId: request.phoneNumberId,
    messageId: body.message_id,
    typing: isRecord(body.typing_indicator),
    at: new Date(request.receivedAt).toISOString(),
  };
}

function toReply(request: GraphRequest, outboundId: string): SinkReply {
  const { body } = request;
  const kind = typeof body.type === 'string' ? body.type : 'unknown';
  const to = typeof body.to === 'string' ? body.to : typeof body.recipient === 'string' ? body.recipient : '';
  const part = decodeCallbackData(request.callbackData)?.part;
  const detail = detailOf(kind, body[kind]);
  return {
    phoneNumberId: request.phoneNumberId,
    to,
    text: readableText(body[kind]) ?? `(${kind} message)`,
    kind,
    ...(detail === undefined ? {} : { detail }),
    ...(part === undefined ? {} : { part }),
    // A reaction cannot quote a message; it names the one it reacts to instead.
    inReplyTo: request.inReplyTo ?? stringAt(body.reaction, 'message_id'),
    callbackData: request.callbackData,
    outboundId,
    at: new Date(request.receivedAt).toISOString(),
  };
}

function detailOf(kind: string, content: unknown): string | undefined {
  if (!isRecord(content)) return undefined;
  switch (kind) {
    case 'text':
      return undefined;
    case 'interactive': {
      // Reply buttons carry `action.buttons[].reply.id`, a list `action.sections[].rows[].id`.
      const action = isRecord(content.action) ? content.action : {};
      const buttons = listAt(action, 'buttons').map((button) =>
        isRecord(button) ? button.reply : undefined,
      );
      const rows = listAt(action, 'sections').flatMap((section) => listAt(section, 'rows'));
      const ids = [...buttons, ...rows].map((choice) => stringAt(choice, 'id'));
      return `${stringAt(content, 'type')}: ${ids.join(', ')}`;
    }
    case 'template':
      return `${stringAt(content, 'name')} ${stringAt(content.language, 'code')}`;
    case 'location':
      return `${String(content.latitude)},${String(content.longitude)}`;
    case 'reaction':
      return stringAt(content, 'emoji');
    default:
      return stringAt(content, 'link') ?? stringAt(content, 'id');
  }
}

/** `text.body`, or an interactive message's `interactive.body.text`. */
function readableText(content: unknown): string | undefined {
  return stringAt(content, 'body') ?? (isRecord(content) ? stringAt(content.body, 'text') : undefined);
}

const stringAt = (value: unknown, key: string): string | undefined => {
  const field = isRecord(value) ? value[key] : undefined;
  return typeof field === 'string' ? field : undefined;
};

const listAt = (value: unknown, key: string): unknown[] => {
  const field = isRecord(value) ? value[key] : undefined;
  return Array.isArray(field) ? field : [];
};
