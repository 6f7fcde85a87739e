import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../../lambda/domain/ports';
import { sleep } from '../sleep';

/**
 * One simulated Lambda invocation. The fault-injecting ports (DynamoDB middleware, fetch, clock)
 * look it up through AsyncLocalStorage, so an invocation can be stopped where it stands: once it
 * died (a crash) or was killed (its deadline passed), no port call of it ever returns, so no later
 * line of the handler runs and nothing is cleaned up. A zombie is exempt from the kill: it keeps
 * running past its deadline, like a container the platform failed to stop in time.
 *
 * With `deadlineAt` set (the host's `freezeAtDeadline`), the deadline is enforced by the clock, not
 * only by the host's timer: on a loaded machine a timer fires late, and work answered early (middy's
 * 500 just before the deadline) has no timer at all. A real Lambda is frozen at its deadline, so
 * past `deadlineAt` no port call starts or returns.
 */
export class Invocation {
  private stoppedBy: 'died' | 'killed' | undefined;
  /** Port calls in progress. Between two port calls only microtasks run, so 0 seen from a timer means idle. */
  private activePorts = 0;
  private announceDeath: (() => void) | undefined;
  /** Resolves when the invocation dies (the runtime crashed: API Gateway answers 502 at once). */
  readonly died: Promise<void>;
  zombie = false;
  /** Epoch ms at which Lambda freezes this invocation (set by a host that enforces it; never, if not). */
  deadlineAt = Number.POSITIVE_INFINITY;

  constructor(readonly id: number) {
    this.died = new Promise((resolve) => {
      this.announceDeath = resolve;
    });
  }

  get stopped(): boolean {
    return this.stoppedBy !== undefined || (!this.zombie && Date.now() >= this.deadlineAt);
  }

  die(): void {
    this.stoppedBy ??= 'died';
    this.announceDeath?.();
  }

  /** The deadline passed: Lambda stops the invocation, unless it is a zombie. */
  kill(): void {
    if (!this.zombie) this.stoppedBy ??= 'killed';
  }

  enterPort(): void {
    this.activePorts++;
  }

  exitPort(): void {
    this.activePorts--;
  }

  /**
   * Resolves once no port call of this invocation is in progress: its work is over, including work
   * that went on after middy answered at the deadline. Never resolves for a stopped invocation.
   */
  async idle(): Promise<void> {
    for (let quietChecks = 0; quietChecks < 2; ) {
      await sleep(20);
      if (this.stopped) await never();
      quietChecks = this.activePorts === 0 ? quietChecks + 1 : 0;
    }
  }
}

const scope = new AsyncLocalStorage<Invocation>();

export const currentInvocation = (): Invocation | undefined => scope.getStore();

export const runInInvocation = <T>(invocation: Invocation, work: () => Promise<T>): Promise<T> =>
  scope.run(invocation, work);

/** A promise that never settles: where a stopped invocation's code waits forever. */
export const never = <T = never>(): Promise<T> => new Promise<T>(() => undefined);

/** Every fault-aware port passes here before and after its work: a stopped invocation goes no further. */
export async function gate(): Promise<void> {
  if (currentInvocation()?.stopped) await never();
}

/** Runs one port call of the current invocation: gated on both sides and counted while in progress. */
export async function throughPort<T>(work: () => Promise<T>): Promise<T> {
  await gate();
  const invocation = currentInvocation();
  invocation?.enterPort();
  try {
    return await work();
  } finally {
    invocation?.exitPort();
    await gate();
  }
}

/** The use case's clock, gated: a stopped invocation never wakes from a sleep. */
export function gatedClock(base: Clock): Clock {
  return {
    now: () => base.now(),
    sleep: (ms) => throughPort(() => base.sleep(ms)),
  };
}
