import { type GraphRequest, startGraphStub } from '../devkit/graph-stub';

/** One reply the handler sent, as the sink recorded it. */
export interface SinkReply {
  phoneNumberId: string;
  to: string;
  text: string;
  /** The inbound wamid the reply quotes (`context.message_id`). */
  inReplyTo: string | undefined;
  callbackData: string | undefined;
  /** The wamid the sink answered with, as Graph would. */
  outboundId: string;
  at: string;
}

export interface GraphSink {
  baseUrl: string;
  /** Replies so far, optionally only those quoting a wamid that starts with `inReplyToPrefix`. */
  replies(inReplyToPrefix?: string): SinkReply[];
  close(): Promise<void>;
}

/**
 * A stand-in for the Graph API `/{version}/{phone-number-id}/messages` endpoint on 127.0.0.1: it accepts
 * every reply like Graph does (200 with a new wamid), sends nothing anywhere, and keeps a record.
 * It is the Graph stub the integration tests use, so local runs and tests see the same Graph.
 */
export async function startGraphSink(onReply: (reply: SinkReply) => void): Promise<GraphSink> {
  const replies: SinkReply[] = [];
  const stub = await startGraphStub({
    onAccepted: (request, outboundId) => {
      const reply = toReply(request, outboundId);
      replies.push(reply);
      onReply(reply);
    },
  });
  return {
    baseUrl: stub.baseUrl,
    replies: (prefix) =>
      prefix === undefined ? [...replies] : replies.filter((reply) => reply.inReplyTo?.startsWith(prefix)),
    close: () => stub.close(),
  };
}

function toReply(request: GraphRequest, outboundId: string): SinkReply {
  const { to, text } = request.body;
  const textBody = typeof text === 'object' && text !== null ? Reflect.get(text, 'body') : undefined;
  return {
    phoneNumberId: request.phoneNumberId,
    to: typeof to === 'string' ? to : '',
    text: typeof textBody === 'string' ? textBody : `(${String(request.body.type ?? 'unknown')} message)`,
    inReplyTo: request.inReplyTo,
    callbackData: request.callbackData,
    outboundId,
    at: new Date(request.receivedAt).toISOString(),
  };
}
