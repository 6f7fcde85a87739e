import type { OutboundReply, ReadReceipt, ReadReceiptResult, ReplySender, SendResult } from '../domain/ports';
import { partProblem } from '../domain/reply-limits';
import { isRecord } from '../json-object';
import { classifyGraphError, EXPIRED_TOKEN_CODE, NOT_SENT_TRANSPORT_CODES } from './graph-error-codes';
import { messageBody } from './graph-message-body';

export interface GraphReplySenderOptions {
  baseUrl: string;
  version: string;
  accessToken: () => Promise<string>;
  /**
   * Re-reads the secret (rate-limited, the same refresher as the signature check) and returns the access
   * token it holds now. Called when Graph rejects the token (190): a token rotated in the secret is
   * then used at once instead of after the cache expires.
   */
  refreshAccessToken?: () => Promise<string>;
  fetch?: typeof globalThis.fetch;
}

/** Sends reply parts through the WhatsApp Cloud API `/{phone-number-id}/messages` endpoint. */
export function graphReplySender(options: GraphReplySenderOptions): ReplySender {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    async send(reply: OutboundReply): Promise<SendResult> {
      // A part Graph would refuse (a fourth button, a 21-character title) is never sent: a 400 on
      // every retry helps nobody. The use case checks whole answers first; this guards every caller.
      const problem = partProblem(reply.part);
      if (problem !== undefined) {
        return { kind: 'permanent', code: undefined, detail: `invalid ${reply.part.kind} part: ${problem}` };
      }
      const request = messageBody(reply.to, reply.part, reply.inReplyTo, reply.callbackData);
      const url = `${options.baseUrl}/${options.version}/${encodeURIComponent(reply.tenantId)}/messages`;
      // Outside the try: a failure to get the token is not a send with an unknown outcome.
      const accessToken = await options.accessToken();
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${accessToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(reply.timeoutMs),
        });
      } catch (error) {
        return transportFailure(error);
      }
      const body = await response.json().catch(() => undefined);
      if (response.ok) return { kind: 'sent', outboundId: outboundIdOf(body) };
      const code = errorCodeOf(body);
      const detail = `HTTP ${response.status}${code === undefined ? '' : ` code ${code}`}`;
      if (code === EXPIRED_TOKEN_CODE && options.refreshAccessToken) {
        return rejectedToken(accessToken, options.refreshAccessToken, detail);
      }
      const errorClass = classifyGraphError(response.status, code);
      return errorClass === 'ambiguous' ? { kind: 'ambiguous', detail } : { kind: errorClass, code, detail };
    },

    async markRead(receipt: ReadReceipt): Promise<ReadReceiptResult> {
      const url = `${options.baseUrl}/${options.version}/${encodeURIComponent(receipt.tenantId)}/messages`;
      try {
        const response = await fetchImpl(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await options.accessToken()}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(readReceiptBody(receipt)),
          signal: AbortSignal.timeout(receipt.timeoutMs),
        });
        await response.body?.cancel();
        return response.ok ? 'ok' : 'failed';
      } catch {
        // Timeout, refused connection, no token: the reply goes on without the receipt.
        return 'failed';
      }
    },
  };
}

/**
 * Meta's "Mark messages as read" body, plus `typing_indicator` for "Typing indicators" (shown until
 * the reply, at most 25 s; Meta asks to show it only when a reply follows, which the owner's does).
 */
export function readReceiptBody(receipt: Pick<ReadReceipt, 'messageId' | 'typing'>) {
  return {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: receipt.messageId,
    ...(receipt.typing ? { typing_indicator: { type: 'text' } } : {}),
  };
}

/**
 * Graph refused the token (190), so nothing was sent. Retryable only when the secret now holds a
 * different token: a resend with the same one would fail the same way. The refresher's rate limit keeps
 * this to one retry per new token, whatever the traffic.
 */
async function rejectedToken(
  used: string,
  refresh: () => Promise<string>,
  detail: string,
): Promise<SendResult> {
  const code = EXPIRED_TOKEN_CODE;
  try {
    const current = await refresh();
    return current === used
      ? { kind: 'permanent', code, detail: `${detail}; the secret holds the same token` }
      : { kind: 'retryable', code, detail: `${detail}; a new token was read from the secret` };
  } catch {
    return { kind: 'permanent', code, detail: `${detail}; the secret could not be read again` };
  }
}

function transportFailure(error: unknown): SendResult {
  const code = transportCode(error);
  if (code !== undefined && NOT_SENT_TRANSPORT_CODES.has(code)) {
    return { kind: 'retryable', code: undefined, detail: `connection failed (${code})` };
  }
  const name = error instanceof Error ? error.name : 'unknown';
  return { kind: 'ambiguous', detail: `request may have left: ${name}${code ? ` (${code})` : ''}` };
}

function transportCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string')
      return current.code;
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

function outboundIdOf(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body.messages)) return undefined;
  const first: unknown = body.messages[0];
  return isRecord(first) && typeof first.id === 'string' ? first.id : undefined;
}

function errorCodeOf(body: unknown): number | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  return Number.isInteger(body.error.code) ? Number(body.error.code) : undefined;
}
