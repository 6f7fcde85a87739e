/** The business phone number (`metadata.phone_number_id`) and the inbound wamid: one dedup record each. */
export interface MessageKey {
  tenantId: string;
  messageId: string;
}

export interface InboundMessage {
  key: MessageKey;
  /** `from`, or `from_user_id` when `from` is empty (username users since 2026); undefined when neither. */
  replyTo: string | undefined;
  type: string;
  /** `text.body` for text messages. Personal data: never logged unless content logging is on. */
  text: string | undefined;
  /** Meta's `timestamp`, epoch seconds: when the user sent it (the 24 h reply window starts here). */
  timestamp?: number | undefined;
}

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
