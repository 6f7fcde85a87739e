/** Metric namespace, service and names in one side-effect-free module: the CDK alarms and dashboard read them too. */
export const SERVICE_NAME = 'whatsapp-once';
export const METRICS_NAMESPACE = 'WhatsappOnce';

export const METRIC = {
  handshakeRequests: 'HandshakeRequests',
  signatureRejections: 'SignatureRejections',
  /** Requests refused because the secret still holds placeholders: an operator must fill it. */
  secretNotConfigured: 'SecretNotConfigured',
  messagesClaimed: 'MessagesClaimed',
  claimTakeovers: 'ClaimTakeovers',
  duplicatesSuppressed: 'DuplicatesSuppressed',
  repliesSent: 'RepliesSent',
  replyFailures: 'ReplyFailures',
  ambiguousSends: 'AmbiguousSends',
  ambiguousSendsReconciled: 'AmbiguousSendsReconciled',
  doubleReplies: 'DoubleReplies',
  fencedWritesRefused: 'FencedWritesRefused',
  claimStoreErrors: 'ClaimStoreErrors',
  webhookErrors: 'WebhookErrors',
  malformedItems: 'MalformedItems',
  // Queued mode's worker.
  /** Send leases the worker took; each message's claim was counted once already, at the webhook. */
  leasesTaken: 'LeasesTaken',
  leasesLost: 'LeasesLost',
  redrivesScheduled: 'RedrivesScheduled',
  redriveFailures: 'RedriveFailures',
  triggersRejected: 'TriggersRejected',
  // Both reply modes: the owner (inline webhook or worker) judges the window and staleness, and marks read.
  windowClosed: 'ReplyWindowClosed',
  /** Answers composed for a stale message; a compose repeated after a failed attempt counts again. */
  staleComposed: 'StaleMessagesComposed',
  readReceiptsFailed: 'ReadReceiptsFailed',
} as const;
