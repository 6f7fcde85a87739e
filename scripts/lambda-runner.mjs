// Runs a Lambda bundle under plain node the way the Node.js runtime does: import it once (the cold start),
// then call the handler once per event with a context whose deadline is the function's timeout.
// Events arrive and results leave over the IPC channel of `child_process.fork`.
import { pathToFileURL } from 'node:url';

const [file, exportName] = process.argv.slice(2);
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local';

let handler;
try {
  const module = await import(pathToFileURL(file).href);
  handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${file} exports no function "${exportName}"`);
} catch (error) {
  process.send({ type: 'init-error', error: describe(error) });
  process.exit(1);
}
process.send({ type: 'ready', nodeVersion: process.version });

process.on('message', async ({ id, event, timeoutMs }) => {
  const deadline = Date.now() + timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    awsRequestId: event?.requestContext?.requestId ?? `local-${id}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await handler(event, context);
    process.send({ type: 'result', id, result });
  } catch (error) {
    process.send({ type: 'result', id, error: describe(error) });
  }
});
process.on('disconnect', () => process.exit(0));

function describe(error) {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'unknown', message: String(error) };
}
