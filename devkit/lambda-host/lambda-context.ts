import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface ContextOptions {
  /** What `getRemainingTimeInMillis()` reports at the start: the function's timeout. */
  remainingMs?: number;
  functionName?: string;
  requestId?: string;
  memoryLimitInMB?: string;
}

const ACCOUNT_ID = '123456789012';

/**
 * The one Lambda `Context` of the tooling: every host (in-process, child process, the local server)
 * builds it here, so the deadline the handler sees is counted the same way everywhere. A number is
 * the time remaining (`lambdaContext(20_000)`), the common case in tests.
 */
export function lambdaContext(remainingOrOptions: number | ContextOptions = {}): Context {
  const options =
    typeof remainingOrOptions === 'number' ? { remainingMs: remainingOrOptions } : remainingOrOptions;
  const deadline = Date.now() + (options.remainingMs ?? 20_000);
  const functionName = options.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'whatsapp-once-local';
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: options.memoryLimitInMB ?? process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '512',
    awsRequestId: options.requestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]local`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
