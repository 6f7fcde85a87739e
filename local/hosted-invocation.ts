import { currentInvocation, Invocation, runInInvocation } from '../devkit/lambda-host/invocation-scope';

/** What the trigger sees of one invocation: the handler's result, or a runtime that died. */
export type Hosted<R> = { kind: 'returned'; result: R } | { kind: 'died' };

/** Thrown to a queued-mode trigger for a dead invocation: the mapping then retries the batch. */
export class InvocationDied extends Error {
  override name = 'InvocationDied';
}

let nextId = 0;

/**
 * Runs one invocation of a deployed handler inside a devkit invocation scope, so that a fault (the
 * crash switch) can stop it where it stands: once it died, its work is abandoned, never awaited, as
 * Lambda abandons a crashed runtime. Nothing else changes: no deadline is enforced here (the local
 * server never enforced one), and a handler that returns or throws is seen exactly as before.
 */
export function runHosted<R>(work: () => Promise<R>): Promise<Hosted<R>> {
  const invocation = new Invocation(++nextId);
  return Promise.race([
    runInInvocation(invocation, work).then((result): Hosted<R> => ({ kind: 'returned', result })),
    invocation.died.then((): Hosted<R> => ({ kind: 'died' })),
  ]);
}

/**
 * A dead runtime prints nothing. The abandoned work of a dead invocation still holds one timer:
 * middy's early timeout, which fires at the deadline and runs the onError middlewares (an
 * "Unhandled error" line for the webhook). Writes made inside a stopped invocation are dropped, so
 * the screen shows what Lambda's logs would. Returns the undo.
 */
export function muteStoppedInvocations(stream: NodeJS.WriteStream): () => void {
  const write = stream.write;
  const muted = (...args: unknown[]): boolean => {
    if (!currentInvocation()?.stopped) return Reflect.apply(write, stream, args);
    const callback = args.findLast((arg) => typeof arg === 'function');
    if (typeof callback === 'function') queueMicrotask(() => callback());
    return true;
  };
  // The overloads of `write` cannot be spelled by one function; this one forwards every form as given.
  stream.write = muted as typeof stream.write;
  return () => {
    stream.write = write;
  };
}
