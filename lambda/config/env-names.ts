/**
 * Every environment variable the webhook function reads, in one side-effect-free module.
 * The CDK stack imports it to set the variables, the runtime imports it to read them,
 * so the two cannot drift apart.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  appSecret: 'WHATSAPP_APP_SECRET',
  accessToken: 'WHATSAPP_ACCESS_TOKEN',
  verifyToken: 'WHATSAPP_VERIFY_TOKEN',
  /** Name or ARN of one Secrets Manager secret holding the three values above as JSON. */
  secretId: 'WHATSAPP_SECRET_ID',
  graphBaseUrl: 'GRAPH_API_BASE_URL',
  graphVersion: 'GRAPH_API_VERSION',
  dedupTtlSeconds: 'DEDUP_TTL_SECONDS',
  leaseSafetyMs: 'LEASE_SAFETY_MS',
  takeoverGraceMs: 'TAKEOVER_GRACE_MS',
  inFlightWaitMs: 'IN_FLIGHT_WAIT_MS',
  ambiguousGraceMs: 'AMBIGUOUS_GRACE_MS',
  sendTimeoutMs: 'SEND_TIMEOUT_MS',
  sendMaxAttempts: 'SEND_MAX_ATTEMPTS',
  defaultRemainingMs: 'DEFAULT_REMAINING_MS',
  forwardUrl: 'FORWARD_URL',
  logMessageContent: 'LOG_MESSAGE_CONTENT',
  /** 'inline' (default): the webhook replies itself. 'queued': it only writes the claim; the worker replies. */
  replyMode: 'REPLY_MODE',
  /** Worker and redrive functions: the SQS queue that carries delayed re-drives. */
  redriveQueueUrl: 'REDRIVE_QUEUE_URL',
  /** Worker: paced sends per phone_number_id per container. */
  sendRatePerSecond: 'SEND_RATE_PER_SECOND',
  /** An HTTP bot to ask for every answer (docs/BOT.md); unset: the in-code bot (lambda/bots/in-code-bot.ts). */
  botUrl: 'BOT_URL',
  /** 'whatsapp-once-v1' (default, docs/bot-protocol.schema.json) or 'rasa' (Rasa's REST channel). */
  botProtocol: 'BOT_PROTOCOL',
  botTimeoutMs: 'BOT_TIMEOUT_MS',
  /** HMAC key of X-Bot-Signature-256, with environment secrets; with WHATSAPP_SECRET_ID, the secret's `botSecret`. */
  botSecret: 'BOT_SECRET',
  /** A message older than this (but inside the 24 h window) is `stale` in the bot's context. */
  staleAfterSeconds: 'STALE_AFTER_SECONDS',
  /** 'true': the owner marks each message read (Graph `status: read`) before composing. Default 'false'. */
  markAsRead: 'MARK_AS_READ',
  /** 'true': the same request shows the typing indicator until the reply. Default 'false'. */
  typingIndicator: 'TYPING_INDICATOR',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** The JSON keys of the Secrets Manager secret named by WHATSAPP_SECRET_ID. */
export const SECRET_KEYS = {
  appSecret: 'appSecret',
  accessToken: 'accessToken',
  verifyToken: 'verifyToken',
} as const;

/** Optional key of the same secret: the HTTP bot's signing key (BOT_URL with WHATSAPP_SECRET_ID). */
export const BOT_SECRET_KEY = 'botSecret';
