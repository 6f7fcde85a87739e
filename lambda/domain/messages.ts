import type { BotUser, InboundContent, Referral } from './bot';

/** The business phone number (`metadata.phone_number_id`) and the inbound wamid: one dedup record each. */
export interface MessageKey {
  tenantId: string;
  messageId: string;
}

export interface InboundMessage {
  key: MessageKey;
  /** `from`, or `from_user_id` when `from` is empty (username users since 2026); undefined when neither. */
  replyTo: string | undefined;
  /** Meta's `type` as sent (`content.type`, or `originalType` for `other`). */
  type: string;
  /** `text.body` for text messages (derived from `content`). Personal data: never logged unless content logging is on. */
  text: string | undefined;
  /** What the user sent, typed. Personal data, like `text`. */
  content: InboundContent;
  /** Who sent it: phone number and/or BSUID, username, profile name. Personal data. */
  user: BotUser;
  /** The ad or post the user came from (Click to WhatsApp), when there is one. */
  referral?: Referral | undefined;
  /** Meta's `timestamp`, epoch seconds: when the user sent it (the 24 h reply window starts here). */
  timestamp?: number | undefined;
}

/** Meta's type name of a content: `other` keeps the original one. */
export const typeOf = (content: InboundContent): string =>
  content.type === 'other' ? content.originalType : content.type;
export const textOf = (content: InboundContent): string | undefined =>
  content.type === 'text' ? content.body : undefined;

export interface StatusUpdate {
  tenantId: string;
  outboundId: string;
  status: string;
  callbackData: string | undefined;
  errorCodes: number[];
}

export interface ValueLevelError {
  tenantId: string | undefined;
  code: number | undefined;
  title: string | undefined;
}

/** Everything one webhook delivery carried, walked from every `entry[].changes[].value`. */
export interface WebhookBatch {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  errors: ValueLevelError[];
  /** Items that lacked what is needed to process them (no id, no phone_number_id...). */
  malformed: number;
}

export const recordKey = (key: MessageKey): string => `${key.tenantId}#${key.messageId}`;
