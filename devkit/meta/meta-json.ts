/**
 * Serialises like Meta does on the wire: compact JSON, `/` escaped as `\/`, and every non-ASCII
 * character as a lowercase `\uXXXX` escape (emoji as surrogate pairs). A signature over these
 * bytes only verifies if the receiver hashes the raw body.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface TextMessageSpec {
  id: string;
  from?: string;
  text?: string;
  type?: string;
  extra?: Record<string, unknown>;
}

/** A `whatsapp_business_account` webhook body with one `messages` change carrying this value. */
function envelope(phoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** The timestamp of Meta's example payload (June 2025): fixed, for tests that compare bytes. */
export const META_EXAMPLE_SENT_AT_MS = 1_749_416_383_000;

/**
 * An inbound webhook carrying these messages, as Meta sends it, sent at `sentAtMs` (by default now).
 * Both reply modes refuse a free-form reply once the user's 24-hour window is over, so a fixed old
 * timestamp (META_EXAMPLE_SENT_AT_MS, for tests that compare bytes) ends such a message `window-closed`.
 */
export function messagesWebhook(phoneNumberId: string, messages: TextMessageSpec[], sentAtMs = Date.now()) {
  return envelope(phoneNumberId, {
    contacts: [{ profile: { name: 'Test User' }, wa_id: '16505551234' }],
    messages: messages.map((m) => ({
      from: m.from ?? '16505551234',
      id: m.id,
      timestamp: String(Math.floor(sentAtMs / 1000)),
      type: m.type ?? 'text',
      ...(m.type === undefined || m.type === 'text' ? { text: { body: m.text ?? 'test' } } : {}),
      ...m.extra,
    })),
  });
}

/** A status webhook as Meta sends it for one of our replies, at `sentAtMs`. */
export function statusWebhook(
  phoneNumberId: string,
  status: { id: string; status: string; callbackData?: string; errors?: { code: number; title: string }[] },
  sentAtMs = META_EXAMPLE_SENT_AT_MS + 7_000,
) {
  return envelope(phoneNumberId, {
    statuses: [
      {
        id: status.id,
        status: status.status,
        timestamp: String(Math.floor(sentAtMs / 1000)),
        recipient_id: '16505551234',
        ...(status.callbackData ? { biz_opaque_callback_data: status.callbackData } : {}),
        ...(status.errors ? { errors: status.errors } : {}),
      },
    ],
  });
}
