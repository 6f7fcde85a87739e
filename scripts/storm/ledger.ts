import type { CalledOperation, DynamoCall } from '../../devkit/faults/dynamodb-faults';

/** What the fault layer saw during one plan, beyond what the Graph stub and Meta record. */
export class Ledger {
  /** DynamoDB HTTP requests (SDK retries included) by claim-store operation. */
  readonly dynamoRequests: Partial<Record<CalledOperation, number>> = {};
  /** `pk|attempt` of every owner that recorded its own send outcome (complete, failed or release written). */
  readonly ownOutcomeRecorded = new Set<string>();
  /** Records a status webhook moved to done. */
  readonly confirmedByStatus = new Set<string>();
  /** Queued mode: records whose outbox claim was written, and records a settling write reached. */
  readonly enqueued = new Set<string>();
  readonly settled = new Set<string>();
  readonly injected: Record<string, number> = {};
  readonly zombies = { started: 0, resumedAfterTakeover: 0, resumedAfterSettle: 0, resumedAtCap: 0 };
  invocations = 0;
  handlerThrew = 0;
  /** Double replies the handler itself detected (its DoubleReplies metric), per record. */
  readonly detectedDoubleReplies = new Set<string>();
  /** Per record, what happened to it and when (ms since the plan started): printed for a failing message. */
  readonly timeline = new Map<string, string[]>();
  private readonly startedAt = Date.now();

  trace(pk: string | undefined, event: string): void {
    if (pk === undefined) return;
    const events = this.timeline.get(pk) ?? [];
    events.push(`${Date.now() - this.startedAt} ms ${event}`);
    this.timeline.set(pk, events);
  }

  dynamo(call: DynamoCall, result: 'ok' | 'failed'): void {
    this.dynamoRequests[call.operation] = (this.dynamoRequests[call.operation] ?? 0) + 1;
    this.trace(call.pk, `dynamodb ${call.operation} attempt ${call.attempt ?? '-'}: ${result}`);
    if (result !== 'ok' || call.pk === undefined) return;
    if (call.operation === 'complete' || call.operation === 'markFailed' || call.operation === 'release') {
      this.ownOutcomeRecorded.add(`${call.pk}|${call.attempt}`);
    }
    if (call.operation === 'confirmSent') this.confirmedByStatus.add(call.pk);
    if (call.operation === 'enqueue') this.enqueued.add(call.pk);
    // done and failed are never left again (before the 8-day expiry): one such write settles for good.
    if (
      call.operation === 'complete' ||
      call.operation === 'markFailed' ||
      call.operation === 'confirmSent'
    ) {
      this.settled.add(call.pk);
    }
  }

  /** Outbox claims no write has settled yet: the worker still owes them a reply or a terminal. */
  unsettledOutbox(): number {
    let open = 0;
    for (const pk of this.enqueued) if (!this.settled.has(pk)) open++;
    return open;
  }

  count(fault: string): void {
    this.injected[fault] = (this.injected[fault] ?? 0) + 1;
  }

  get dynamoTotal(): number {
    return Object.values(this.dynamoRequests).reduce((sum, n) => sum + (n ?? 0), 0);
  }
}
