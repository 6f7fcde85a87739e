import type { BotUser, InboundContent, Referral, ReplyPart } from './bot';

/**
 * queued   - queued mode: the webhook wrote the claim and the reply's inputs (the outbox entry); no
 *            owner yet. The worker takes a lease on it from the table's stream or a re-drive.
 * claimed  - an owner holds the lease and may send the reply now.
 * unknown  - the owner's send had an unknown outcome; a `sent` status may still confirm it.
 * released - the owner gave the claim back after a retryable failure; the next delivery takes it.
 * done     - the reply was sent (or confirmed by a status webhook). Terminal.
 * failed   - the reply can never be sent (permanent Graph error). Terminal.
 */
export type ClaimState = 'queued' | 'claimed' | 'unknown' | 'released' | 'done' | 'failed';

/**
 * What the worker needs to reply, kept on the record from the queued write until it is settled.
 * `content`, `user` and `referral` are personal data: removed once the record is done or failed.
 */
export interface OutboxEntry {
  replyTo: string;
  type: string;
  content: InboundContent;
  user: BotUser;
  referral?: Referral | undefined;
  /** Epoch seconds: when the user sent the message (the 24 h reply window starts here). */
  msgTimestamp: number;
  /** Epoch ms of the queued write, for the delay from webhook to reply. */
  queuedAt: number;
}

export interface ClaimRecord {
  state: ClaimState;
  owner: string;
  attempt: number;
  /** Epoch ms. For `claimed`, the owner's deadline; for `unknown`, the end of the confirmation grace. */
  leaseUntil: number;
  /** Epoch seconds; also the table's TTL attribute. */
  expiresAt: number;
  outboundId?: string | undefined;
  errorCode?: number | undefined;
  /** Epoch ms of the claim write, as the owner's clock saw it: copies time their polls by it. */
  claimedAt?: number | undefined;
  /** Queued mode: the reply's inputs, until the record is settled. */
  outbox?: OutboxEntry | undefined;
  /**
   * A multi-part answer, stored by its owner before the first part is sent (single-part answers are
   * not stored). A new owner resumes it at `partsSent` and never composes again. Removed once settled.
   */
  parts?: StoredAnswer | undefined;
  /** How many parts of `parts` are recorded as sent (by their owner, or by a part's status). */
  partsSent?: number | undefined;
}

/** The parts of a stored answer, as the bot returned them. */
export type StoredAnswer = readonly ReplyPart[];

/** Identifies one owner of one attempt; every write after the claim is conditioned on it. */
export interface Fence {
  owner: string;
  attempt: number;
}

export interface NewClaim extends Fence {
  leaseUntil: number;
  expiresAt: number;
  /**
   * The record this claim takes over holds a stored answer: the claim is then an update that keeps
   * `parts` and `partsSent` (TAKEOVER_CONDITION), not a put that would replace them.
   */
  keepParts?: boolean;
}

/** Queued mode's claim: no owner and no lease yet, the reply's inputs instead. */
export interface NewQueuedClaim {
  attempt: number;
  expiresAt: number;
  outbox: OutboxEntry;
  /** As NewClaim's: take over a record holding a stored answer without dropping it. */
  keepParts?: boolean;
}

/** The worker's lease on a record, fenced on the attempt its trigger observed. */
export interface NewLease {
  owner: string;
  observedAttempt: number;
  leaseUntil: number;
}

export type LeaseResult =
  | { won: true; record: ClaimRecord }
  | { won: false; current: ClaimRecord | undefined };

export interface ClaimClock {
  /** Epoch ms: records with `expiresAt` (seconds) before this are expired. */
  nowMs: number;
  /** Epoch ms: a lease that ended before this may be taken over. */
  takeoverBeforeMs: number;
}

export type ClaimResult =
  | { won: true; previous: ClaimRecord | undefined }
  | { won: false; current: ClaimRecord | undefined };

export type FencedWrite = 'written' | 'fenced-out';

/**
 * Confirmed: `previous` is the unsettled record the status settled. Not confirmed: the record was
 * already settled (or gone); `current` is what blocked, when the store returns it.
 */
export type ConfirmResult =
  | { confirmed: true; previous: ClaimRecord | undefined }
  | { confirmed: false; current: ClaimRecord | undefined };

export const isSettled = (record: ClaimRecord): boolean =>
  record.state === 'done' || record.state === 'failed';

/** Whether a new owner may take this record over now (the claim write's own condition, read back). */
export const canTakeOver = (record: ClaimRecord, clock: ClaimClock): boolean =>
  record.expiresAt < epochSeconds(clock.nowMs) ||
  record.state === 'released' ||
  ((record.state === 'claimed' || record.state === 'unknown') && record.leaseUntil < clock.takeoverBeforeMs);

export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
