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

/**
 * Runs `handler` as one Lambda invocation with `remainingMs` to its deadline. The invocation is
 * stopped when it dies or when the deadline passes (unless it is a zombie): its ports never return.
 */
export async function invokeAsLambda(
  handler: Handler,
  event: APIGatewayProxyEventV2,
  remainingMs: number,
): Promise<InvocationRun> {
  const invocation = new Invocation(++nextId);
  const work = runInInvocation(invocation, () => handler(event, lambdaContext(remainingMs))).then(
    (result): InvocationAnswer =>
      typeof result === 'object'
        ? { kind: 'answered', statusCode: result.statusCode ?? 200, body: result.body }
        : { kind: 'answered', statusCode: 200, body: result },
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<InvocationAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timed-out' }), remainingMs);
  });
  const died = invocation.died.then((): InvocationAnswer => ({ kind: 'died' }));
  try {
    const answer = await Promise.race([work, died, deadline]);
    if (answer.kind !== 'answered') invocation.kill();
    return {
      answer,
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
