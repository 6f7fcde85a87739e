/**
 * claimed  - an owner holds the lease and may send the reply now.
 * unknown  - the owner's send had an unknown outcome; a `sent` status may still confirm it.
 * released - the owner gave the claim back after a retryable failure; the next delivery takes it.
 * done     - the reply was sent (or confirmed by a status webhook). Terminal.
 * failed   - the reply can never be sent (permanent Graph error). Terminal.
 */
export type ClaimState = 'claimed' | 'unknown' | 'released' | 'done' | 'failed';

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
}

/** Identifies one owner of one attempt; every write after the claim is conditioned on it. */
export interface Fence {
  owner: string;
  attempt: number;
}

export interface NewClaim extends Fence {
  leaseUntil: number;
  expiresAt: number;
}

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
