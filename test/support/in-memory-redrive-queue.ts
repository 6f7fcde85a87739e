import type { MessageKey } from '../../lambda/domain/messages';
import type { RedriveQueue } from '../../lambda/domain/ports';
import { RedriveError } from '../../lambda/domain/redrive-error';

export interface ScheduledRedrive {
  key: MessageKey;
  observedAttempt: number;
  delaySeconds: number;
  /** Epoch ms at which SQS would make the message visible. */
  dueAt: number;
}

/** SQS with DelaySeconds, in memory, on the caller's clock: tests decide when a re-drive arrives. */
export class InMemoryRedriveQueue implements RedriveQueue {
  readonly pending: ScheduledRedrive[] = [];
  readonly history: ScheduledRedrive[] = [];
  /** Schedules that fail with a RedriveError the next N times. */
  failNext = 0;

  constructor(private readonly now: () => number) {}

  async schedule(key: MessageKey, observedAttempt: number, delaySeconds: number): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new RedriveError({ cause: new Error('injected queue failure') });
    }
    const entry = { key, observedAttempt, delaySeconds, dueAt: this.now() + delaySeconds * 1000 };
    this.pending.push(entry);
    this.history.push(entry);
  }

  /** Removes and returns every re-drive due by `at` (the clock's now by default), earliest first. */
  takeDue(at = this.now()): ScheduledRedrive[] {
    const due = this.pending.filter((entry) => entry.dueAt <= at).sort((a, b) => a.dueAt - b.dueAt);
    for (const entry of due) this.pending.splice(this.pending.indexOf(entry), 1);
    return due;
  }

  /** When the earliest pending re-drive is due, if any. */
  nextDueAt(): number | undefined {
    return this.pending.reduce<number | undefined>(
      (min, e) => (min === undefined || e.dueAt < min ? e.dueAt : min),
      undefined,
    );
  }
}
