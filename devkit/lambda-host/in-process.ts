import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { Invocation, runInInvocation } from './invocation-scope';
import { lambdaContext } from './lambda-context';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** What the caller (Meta, through API Gateway) sees of one invocation. */
export type InvocationAnswer =
  | { kind: 'answered'; statusCode: number; body: string | undefined }
  /** The runtime crashed: API Gateway answers 502 at once. */
  | { kind: 'died' }
  /** The deadline passed without an answer: the caller gives up, Lambda stops the invocation. */
  | { kind: 'timed-out' };

export interface InvocationRun {
  answer: InvocationAnswer;
  invocation: Invocation;
  /**
   * Settles when the invocation's work is over, including work that went on after middy answered
   * 500 at the deadline (a zombie in the making): never for a stopped invocation.
   */
  finished: Promise<void>;
}

let nextId = 0;

/** What the trigger (API Gateway, a stream mapping, SQS) sees of one invocation of any handler. */
export type InProcessOutcome<R> = { kind: 'returned'; result: R } | { kind: 'died' } | { kind: 'timed-out' };

export interface HostOptions {
  /**
   * Freeze the invocation at its deadline by the clock, as Lambda does: no port call of it starts
   * or returns after that, even when the host's timer fires late (a loaded machine) or middy
   * answered first (its 500 just before the deadline, with work still going on). Without it, that
   * leftover work runs on until it finishes, which a real Lambda never lets happen; tests that
   * script exact fault sequences keep the lenient host, so a slow machine does not stop them early.
   */
  freezeAtDeadline?: boolean;
}

/**
 * Runs `handler` as one Lambda invocation with `remainingMs` to its deadline. The invocation is
 * stopped when it dies or when the deadline passes (unless it is a zombie): its ports never return.
 */
export async function invokeInProcess<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  event: E,
  remainingMs: number,
  options: HostOptions = {},
): Promise<{ outcome: InProcessOutcome<R>; invocation: Invocation; finished: Promise<void> }> {
  const invocation = new Invocation(++nextId);
  if (options.freezeAtDeadline) invocation.deadlineAt = Date.now() + remainingMs;
  const work = runInInvocation(invocation, () => handler(event, lambdaContext(remainingMs))).then(
    (result): InProcessOutcome<R> => ({ kind: 'returned', result }),
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<InProcessOutcome<R>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timed-out' }), remainingMs);
  });
  const died = invocation.died.then((): InProcessOutcome<R> => ({ kind: 'died' }));
  try {
    const outcome = await Promise.race([work, died, deadline]);
    if (outcome.kind !== 'returned') invocation.kill();
    return {
      outcome,
      invocation,
      finished: work.then(
        () => invocation.idle(),
        () => invocation.idle(),
      ),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The webhook through API Gateway: `invokeInProcess` with the answer Meta sees. */
export async function invokeAsLambda(
  handler: Handler,
  event: APIGatewayProxyEventV2,
  remainingMs: number,
  options: HostOptions = {},
): Promise<InvocationRun> {
  const { outcome, invocation, finished } = await invokeInProcess(handler, event, remainingMs, options);
  if (outcome.kind !== 'returned') return { answer: outcome, invocation, finished };
  const result = outcome.result;
  const answer: InvocationAnswer =
    typeof result === 'object'
      ? { kind: 'answered', statusCode: result.statusCode ?? 200, body: result.body }
      : { kind: 'answered', statusCode: 200, body: result };
  return { answer, invocation, finished };
}
