import { recordKey } from '../../lambda/domain/messages';
import type { RedriveQueue } from '../../lambda/domain/ports';
import type { FaultContext } from './faults';

/**
 * What the stream mapping does to one batch (queued mode):
 * redeliver    - the batch goes to a second invocation while the first still runs (at-least-once);
 * retry        - the batch is retried after the worker handled it (its answer was lost);
 * die-mid-batch - the invocation dies once one record of the batch settled, the others mid-way.
 */
export type StreamFault =
  | { kind: 'redeliver' }
  | { kind: 'retry' }
  | { kind: 'die-mid-batch'; release(): void };

/** A batch whose invocation dies at its second completion: the first record settled, the rest cut off. */
export interface DyingBatch {
  pks: string[];
  completions: number;
}

export function streamFault(ctx: FaultContext, pks: string[]): StreamFault | undefined {
  const stream = ctx.plan.stream ?? {};
  if (pks.length === 0) return undefined;
  if (ctx.random.chance(stream.redeliver ?? 0)) {
    ctx.ledger.count('stream delivered a batch twice at once');
    return { kind: 'redeliver' };
  }
  if (ctx.random.chance(stream.retry ?? 0)) {
    ctx.ledger.count('stream retried a handled batch');
    return { kind: 'retry' };
  }
  if (pks.length > 1 && ctx.random.chance(stream.dieMidBatch ?? 0)) {
    const batch: DyingBatch = { pks, completions: 0 };
    for (const pk of pks) ctx.dyingBatches.set(pk, batch);
    return {
      kind: 'die-mid-batch',
      release: () => {
        for (const pk of pks) if (ctx.dyingBatches.get(pk) === batch) ctx.dyingBatches.delete(pk);
      },
    };
  }
  return undefined;
}

/** Whether the completion of `pk` is where its dying batch's invocation dies (the second one). */
export function diesMidBatch(ctx: FaultContext, pk: string): boolean {
  const batch = ctx.dyingBatches.get(pk);
  if (batch === undefined) return false;
  batch.completions++;
  if (batch.completions < 2) return false;
  for (const other of batch.pks) ctx.dyingBatches.delete(other);
  ctx.ledger.count('worker died mid-batch');
  return true;
}

/** The re-drive port with SQS's faults: early deliveries racing the stream's retries, duplicates. */
export function faultyRedrives(ctx: FaultContext, real: RedriveQueue): RedriveQueue {
  const redrive = ctx.plan.redrive ?? {};
  return {
    async schedule(key, observedAttempt, delaySeconds) {
      const pk = recordKey(key);
      const early = ctx.random.chance(redrive.early ?? 0);
      if (early) ctx.ledger.count('re-drive delivered early');
      ctx.ledger.trace(pk, `re-drive of attempt ${observedAttempt} in ${early ? 0 : delaySeconds} s`);
      await real.schedule(key, observedAttempt, early ? 0 : delaySeconds);
      if (ctx.random.chance(redrive.duplicate ?? 0)) {
        ctx.ledger.count('re-drive delivered twice');
        ctx.ledger.trace(pk, 're-drive delivered twice');
        await real.schedule(key, observedAttempt, early ? 0 : delaySeconds);
      }
    },
  };
}
