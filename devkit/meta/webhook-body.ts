import { metaJson } from './meta-json';

/** One inbound message as Meta delivers it (every copy carries the same one). */
export interface MetaMessage {
  tenantId: string;
  /** The inbound wamid. */
  id: string;
  from: string;
  type: 'text' | 'image' | 'reaction';
  text: string;
  /** What the default bot does with it: every type but a reaction gets one reply. */
  expectsReply: boolean;
}

/** A status of one of our replies, echoing the reply's `biz_opaque_callback_data`. */
export interface MetaStatus {
  tenantId: string;
  outboundId: string;
  status: 'sent' | 'delivered' | 'read';
  callbackData: string | undefined;
  recipient: string;
}

/** One thing Meta delivers: a copy of an inbound message, or a status of one of our replies. */
export type MetaItem =
  /** `copy` 0 is the first delivery; the others are Meta's duplicates of it. */
  { kind: 'message'; message: MetaMessage; copy: number } | { kind: 'status'; status: MetaStatus };

const WABA_ID = '102290129340398';

/** A webhook body as Meta batches it: one entry per business number, messages and statuses in their own changes. */
export function webhookBody(items: MetaItem[], timestamp: number): string {
  const tenants = [...new Set(items.map(tenantOf))];
  return metaJson({
    object: 'whatsapp_business_account',
    entry: tenants.map((tenantId) => {
      const mine = items.filter((item) => tenantOf(item) === tenantId);
      const messages = mine.flatMap((item) =>
        item.kind === 'message' ? [messageJson(item.message, timestamp)] : [],
      );
      const statuses = mine.flatMap((item) =>
        item.kind === 'status' ? [statusJson(item.status, timestamp)] : [],
      );
      const value = (content: Record<string, unknown>) => ({
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: `1555${tenantId.slice(-7)}`, phone_number_id: tenantId },
          ...content,
        },
      });
      return {
        id: WABA_ID,
        changes: [
          ...(messages.length > 0 ? [value({ contacts: contactsOf(mine), messages })] : []),
          ...(statuses.length > 0 ? [value({ statuses })] : []),
        ],
      };
    }),
  });
}

const tenantOf = (item: MetaItem) => (item.kind === 'message' ? item.message.tenantId : item.status.tenantId);

function contactsOf(items: MetaItem[]) {
  const senders = new Set(items.flatMap((item) => (item.kind === 'message' ? [item.message.from] : [])));
  return [...senders].map((waId) => ({ profile: { name: 'Test User' }, wa_id: waId }));
}

function messageJson(message: MetaMessage, timestamp: number) {
  const common = { from: message.from, id: message.id, timestamp: String(timestamp) };
  switch (message.type) {
    case 'text':
      return { ...common, type: 'text', text: { body: message.text } };
    case 'image':
      return {
        ...common,
        type: 'image',
        image: { caption: message.text, mime_type: 'image/jpeg', sha256: 'c2hhMjU2', id: '1003383421387256' },
      };
    case 'reaction':
      return { ...common, type: 'reaction', reaction: { message_id: 'wamid.earlier', emoji: '\u{1F44D}' } };
  }
}

function statusJson(status: MetaStatus, timestamp: number) {
  return {
    id: status.outboundId,
    status: status.status,
    timestamp: String(timestamp),
    recipient_id: status.recipient,
    ...(status.callbackData === undefined ? {} : { biz_opaque_callback_data: status.callbackData }),
  };
}
