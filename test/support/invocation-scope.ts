import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../../lambda/domain/ports';

/**
 * One simulated Lambda invocation. The fault-injecting ports (DynamoDB middleware, fetch, clock)
 * look it up through AsyncLocalStorage, so an invocation can be stopped where it stands: once it
 * died (a crash) or was killed (its deadline passed), no port call of it ever returns, so no later
 * line of the handler runs and nothing is cleaned up. A zombie is exempt from the kill: it keeps
 * running past its deadline, like a container the platform failed to stop in time.
 */
export class Invocation {
  private stoppedBy: 'died' | 'killed' | undefined;
  private announceDeath: (() => void) | undefined;
  /** Resolves when the invocation dies (the runtime crashed: API Gateway answers 502 at once). */
  readonly died: Promise<void>;
  zombie = false;

  constructor(readonly id: number) {
    this.died = new Promise((resolve) => {
      this.announceDeath = resolve;
    });
  }

  get stopped(): boolean {
    return this.stoppedBy !== undefined;
  }

  die(): void {
    this.stoppedBy ??= 'died';
    this.announceDeath?.();
  }

  /** The deadline passed: Lambda stops the invocation, unless it is a zombie. */
  kill(): void {
    if (!this.zombie) this.stoppedBy ??= 'killed';
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

/** The use case's clock, gated: a stopped invocation never wakes from a sleep. */
export function gatedClock(base: Clock): Clock {
  return {
    now: () => base.now(),
    sleep: async (ms) => {
      await base.sleep(ms);
      await gate();
    },
  };
}
