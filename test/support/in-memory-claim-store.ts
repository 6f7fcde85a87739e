import {
  type ClaimClock,
  type ClaimRecord,
  type ClaimResult,
  type ConfirmResult,
  epochSeconds,
  type Fence,
  type FencedWrite,
  type LeaseResult,
  type NewClaim,
  type NewLease,
  type NewQueuedClaim,
  type StoredAnswer,
} from '../../lambda/domain/claim-record';
import { ClaimStoreError } from '../../lambda/domain/claim-store-error';
import { type MessageKey, recordKey } from '../../lambda/domain/messages';
import type { ClaimOperation, ClaimStore } from '../../lambda/domain/ports';

/**
 * The DynamoDB claim store's conditions on a Map, for use-case tests with a fake clock. The contract
 * test runs the same cases against this fake and DynamoDB Local, so the two cannot drift.
 */
export class InMemoryClaimStore implements ClaimStore {
  readonly records = new Map<string, ClaimRecord>();
  readonly calls: ClaimOperation[] = [];
  /** Operations that fail with a store error the next N times they are called. */
  readonly failNext = new Map<ClaimOperation, number>();
  /** Runs just before a write is applied: lets a test interleave another actor at that point. */
  beforeWrite: ((operation: ClaimOperation) => Promise<void> | void) | undefined;

  async claim(key: MessageKey, claim: NewClaim, clock: ClaimClock): Promise<ClaimResult> {
    await this.enter('claim');
    return this.conditionalPut(key, claim.attempt, clock, claim.keepParts === true, {
      state: 'claimed',
      owner: claim.owner,
      attempt: claim.attempt,
      leaseUntil: claim.leaseUntil,
      expiresAt: claim.expiresAt,
      claimedAt: clock.nowMs,
    });
  }

  async enqueue(key: MessageKey, claim: NewQueuedClaim, clock: ClaimClock): Promise<ClaimResult> {
    await this.enter('enqueue');
    return this.conditionalPut(key, claim.attempt, clock, claim.keepParts === true, {
      state: 'queued',
      owner: '',
      attempt: claim.attempt,
      leaseUntil: 0,
      expiresAt: claim.expiresAt,
      outbox: { ...claim.outbox },
    });
  }

  async lease(key: MessageKey, lease: NewLease, clock: ClaimClock): Promise<LeaseResult> {
    await this.enter('lease');
    const id = recordKey(key);
    const current = this.records.get(id);
    const wins =
      current !== undefined &&
      current.attempt === lease.observedAttempt &&
      (current.state === 'queued' ||
        current.state === 'released' ||
        ((current.state === 'claimed' || current.state === 'unknown') &&
          current.leaseUntil < clock.takeoverBeforeMs));
    if (!wins) return { won: false, current: current && { ...current } };
    const record: ClaimRecord = {
      ...current,
      state: 'claimed',
      owner: lease.owner,
      attempt: lease.observedAttempt + 1,
      leaseUntil: lease.leaseUntil,
      claimedAt: clock.nowMs,
    };
    this.records.set(id, record);
    return { won: true, record: { ...record } };
  }

  /** The PutItem under the claim condition; with `keepParts`, the takeover update that keeps the answer. */
  private conditionalPut(
    key: MessageKey,
    attempt: number,
    clock: ClaimClock,
    keepParts: boolean,
    next: ClaimRecord,
  ): ClaimResult {
    const id = recordKey(key);
    const current = this.records.get(id);
    const expired = current !== undefined && current.expiresAt < epochSeconds(clock.nowMs);
    const takeover =
      current !== undefined &&
      current.attempt < attempt &&
      (current.state === 'released' ||
        ((current.state === 'claimed' || current.state === 'unknown') &&
          current.leaseUntil < clock.takeoverBeforeMs));
    const wins = keepParts
      ? current !== undefined && !expired && takeover
      : current === undefined || expired || takeover;
    if (!wins) return { won: false, current: current && { ...current } };
    const kept = keepParts && current ? { parts: current.parts, partsSent: current.partsSent } : {};
    this.records.set(id, { ...next, ...kept });
    return { won: true, previous: current };
  }

  async read(key: MessageKey): Promise<ClaimRecord | undefined> {
    await this.enter('read');
    const current = this.records.get(recordKey(key));
    return current && { ...current };
  }

  /**
   * Records as an eventually consistent read may show them: the current one, unless a test has put
   * an older view of the record here (a stale replica).
   */
  readonly staleViews = new Map<string, ClaimRecord | 'absent'>();

  async peek(key: MessageKey): Promise<ClaimRecord | undefined> {
    await this.enter('peek');
    const stale = this.staleViews.get(recordKey(key));
    if (stale !== undefined) return stale === 'absent' ? undefined : { ...stale };
    const current = this.records.get(recordKey(key));
    return current && { ...current };
  }

  complete(key: MessageKey, fence: Fence, outboundId: string | undefined): Promise<FencedWrite> {
    return this.fenced('complete', key, fence, false, (r) => ({
      ...withoutContent(r),
      state: 'done',
      outboundId: r.outboundId ?? outboundId,
    }));
  }

  release(key: MessageKey, fence: Fence): Promise<FencedWrite> {
    return this.fenced('release', key, fence, true, (r) => ({ ...r, state: 'released' }));
  }

  markUnknown(key: MessageKey, fence: Fence, confirmBy: number): Promise<FencedWrite> {
    return this.fenced('markUnknown', key, fence, true, (r) => ({
      ...r,
      state: 'unknown',
      leaseUntil: confirmBy,
    }));
  }

  markFailed(key: MessageKey, fence: Fence, errorCode: number | undefined): Promise<FencedWrite> {
    return this.fenced('markFailed', key, fence, true, (r) => ({
      ...withoutContent(r),
      state: 'failed',
      errorCode,
    }));
  }

  storeParts(key: MessageKey, fence: Fence, parts: StoredAnswer): Promise<FencedWrite> {
    return this.fenced('storeParts', key, fence, true, (r) => ({ ...r, parts: [...parts], partsSent: 0 }));
  }

  partSent(key: MessageKey, fence: Fence, partsSent: number): Promise<FencedWrite> {
    return this.fenced('partSent', key, fence, true, (r) => ({ ...r, partsSent }));
  }

  async confirmPart(key: MessageKey, partsSent: number): Promise<ConfirmResult> {
    await this.enter('confirmPart');
    const id = recordKey(key);
    const current = this.records.get(id);
    const confirmable =
      current?.parts !== undefined &&
      ['claimed', 'unknown', 'released', 'failed'].includes(current.state) &&
      (current.partsSent ?? 0) < partsSent;
    if (!current || !confirmable) return { confirmed: false, current: current && { ...current } };
    this.records.set(id, { ...current, partsSent });
    return { confirmed: true, previous: { ...current } };
  }

  async confirmSent(key: MessageKey, outboundId: string): Promise<ConfirmResult> {
    await this.enter('confirmSent');
    const id = recordKey(key);
    const current = this.records.get(id);
    if (!current || current.state === 'done' || current.state === 'queued') {
      return { confirmed: false, current: current && { ...current } };
    }
    this.records.set(id, { ...withoutContent(current), state: 'done', outboundId });
    return { confirmed: true, previous: { ...current } };
  }

  private async fenced(
    operation: ClaimOperation,
    key: MessageKey,
    fence: Fence,
    onlyWhileClaimed: boolean,
    update: (record: ClaimRecord) => ClaimRecord,
  ): Promise<FencedWrite> {
    await this.enter(operation);
    const id = recordKey(key);
    const current = this.records.get(id);
    if (!current || current.owner !== fence.owner || current.attempt !== fence.attempt) return 'fenced-out';
    if (onlyWhileClaimed && current.state !== 'claimed') return 'fenced-out';
    this.records.set(id, update(current));
    return 'written';
  }

  private async enter(operation: ClaimOperation): Promise<void> {
    this.calls.push(operation);
    const failures = this.failNext.get(operation) ?? 0;
    if (failures > 0) {
      this.failNext.set(operation, failures - 1);
      throw new ClaimStoreError(operation, { cause: new Error('injected store failure') });
    }
    if (operation !== 'read' && operation !== 'peek') await this.beforeWrite?.(operation);
  }
}

/** A settled record keeps no message content (the DynamoDB adapter REMOVEs the outbox attributes). */
function withoutContent(record: ClaimRecord): ClaimRecord {
  const { outbox: _outbox, parts: _parts, ...rest } = record;
  return rest;
}
