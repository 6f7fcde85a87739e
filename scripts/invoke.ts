import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { GraphRequest } from '../devkit/graph-stub';
import { ENV } from '../lambda/config/env-names';
import { isRecord } from '../lambda/json-object';
import { FUNCTION_LOGICAL_ID, LOCAL_INVOKE_VARIABLES, STACK_ID } from '../lib/identifiers';
import {
  findFunctionAsset,
  type Invocation,
  invokeLocally,
  type LocalFunction,
  resolveEnvironment,
} from './invoke-asset';
import { LOGICAL_ID_OF, triggerOf } from './invoke-queued';
import { SAMPLE_EVENT_FILES } from './sample-events';

/**
 * `npm run invoke -- [events/<file>.json ...]`: what `sam local invoke` would run (the synthesized assets
 * in cdk.out, with the env-vars file applied by SAM's rules), without Docker: plain node, DynamoDB
 * Local, a Graph stub and a local re-drive queue. Each event goes to the function its shape belongs to:
 * an HTTP API event to WebhookFunction, a stream event to WorkerFunction, an SQS event to
 * RedriveFunction. With no files it plays the webhook's sample events in order, in one table, so the
 * repeated message shows the duplicate being suppressed.
 */
const USAGE = `Usage: npm run invoke -- [--env-vars events/env-vars.json] [--reply-mode inline|queued]
         [--keep-timestamps] [--synth] [--quiet] [events/<file>.json ...]`;

const CDK_OUT = 'cdk.out';
const TEMPLATE = join(CDK_OUT, `${STACK_ID}.template.json`);
/** What the synthesized template is made from: newer than the template means synthesize again. */
const SOURCES = ['lambda', 'lib', 'bin', 'cdk.json', 'package-lock.json'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'env-vars': { type: 'string', default: 'events/env-vars.json' },
    synth: { type: 'boolean', default: false },
    'reply-mode': { type: 'string' },
    'keep-timestamps': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const eventFiles =
  positionals.length > 0 ? positionals : SAMPLE_EVENT_FILES.map((file) => join('events', file));
const replyMode = values['reply-mode'];
if (replyMode !== undefined && replyMode !== 'inline' && replyMode !== 'queued') {
  throw new Error(`--reply-mode must be inline or queued, got "${replyMode}". ${USAGE}`);
}
const events = eventFiles.map((file) => ({ name: file, event: readEvent(file) }));

ensureLocalSynth(values.synth);
const envVarsFile = readJson(values['env-vars']);
// The webhook always (its table name is the run's); the worker and redrive function when an event needs them.
const logicalIds = new Set([
  FUNCTION_LOGICAL_ID,
  ...events.flatMap(({ event }) => {
    const trigger = triggerOf(event);
    return trigger ? [LOGICAL_ID_OF[trigger]] : [];
  }),
]);
const functions = [...logicalIds].map((logicalId) => localFunction(logicalId));

const started = Date.now();
const run = await invokeLocally({
  functions,
  events,
  onLog: values.quiet ? undefined : printLog,
  onNote: note,
  keepTimestamps: values['keep-timestamps'],
});
note(
  `node ${run.nodeVersion}; DynamoDB Local at ${run.dynamoEndpoint}; ${events.length} event(s) in ${Date.now() - started} ms`,
);

for (const invocation of run.invocations) console.log(describeInvocation(invocation));
console.log(`\nGraph API calls: ${run.graphRequests.length}`);
for (const request of run.graphRequests) console.log(`  ${describeGraphRequest(request)}`);
if (run.redrivesQueued > 0) {
  console.log(
    `\nRe-drives left on the local queue: ${run.redrivesQueued} (invoke events/redrive-message.json to run one)`,
  );
}
process.exitCode = run.invocations.every((invocation) => invocation.kind === 'result') ? 0 : 1;

/** A function of the template with its env-vars applied by SAM's rules, and what SAM would say of them. */
function localFunction(logicalId: string): LocalFunction {
  const asset = findFunctionAsset(TEMPLATE, logicalId);
  const environment = resolveEnvironment(asset, envVarsFile);
  for (const name of environment.ignored) {
    note(
      `${logicalId}: ${name} is not declared by the template: sam local invoke would ignore it, so does this run`,
    );
  }
  for (const name of environment.unresolved)
    note(`${logicalId}: ${name} has no local value (the template gives an intrinsic)`);
  const variables = { ...environment.variables };
  if (replyMode !== undefined && logicalId === FUNCTION_LOGICAL_ID) variables[ENV.replyMode] = replyMode;
  const bundleKiB = statSync(asset.handlerFile).size / 1024;
  note(
    `${logicalId}: ${join(basename(asset.assetDir), basename(asset.handlerFile))} (${bundleKiB.toFixed(0)} KiB) with ${process.env.LAMBDA_NODE_BINARY ?? process.execPath}`,
  );
  return { asset, variables };
}

/** Synthesizes with `-c localInvoke=true` unless cdk.out already holds such a template newer than its sources. */
function ensureLocalSynth(force: boolean) {
  const reason = force ? 'asked to' : staleReason();
  if (reason === undefined) return;
  note(`synthesizing (${reason}): npx cdk synth --quiet -c localInvoke=true`);
  const started = Date.now();
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '-c', 'localInvoke=true'], {
    stdio: ['ignore', 2, 2],
  });
  if (result.status !== 0) throw new Error(`cdk synth failed (exit ${result.status})`);
  note(`synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function staleReason(): string | undefined {
  if (!existsSync(TEMPLATE)) return `no ${TEMPLATE}`;
  const templateTime = statSync(TEMPLATE).mtimeMs;
  const declared = findFunctionAsset(TEMPLATE).variables;
  if (!LOCAL_INVOKE_VARIABLES.every((name) => name in declared))
    return 'the template was not synthesized for local invoke';
  const newer = SOURCES.find((source) => existsSync(source) && newestTime(source) > templateTime);
  return newer === undefined ? undefined : `${newer} changed since the last synth`;
}

function newestTime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce(
    (newest, entry) => Math.max(newest, newestTime(join(path, entry))),
    stats.mtimeMs,
  );
}

function describeInvocation(invocation: Invocation): string {
  const heading = `\n${invocation.name} (${invocation.durationMs} ms)`;
  if (invocation.kind === 'error') {
    return `${heading}\n  the handler threw ${invocation.error.name}: ${invocation.error.message}`;
  }
  const result = invocation.result;
  // The worker and redrive functions answer { batchItemFailures }: shown as they are.
  if (!isRecord(result) || result.statusCode === undefined) return `${heading}\n  ${JSON.stringify(result)}`;
  const body = typeof result.body === 'string' ? result.body : '';
  return `${heading}\n  status ${String(result.statusCode)} ${JSON.stringify(result.headers ?? {})}\n  ${body}`;
}

function describeGraphRequest(request: GraphRequest): string {
  const text = isRecord(request.body.text) ? request.body.text : {};
  const body = typeof text.body === 'string' ? JSON.stringify(text.body) : '(no text)';
  return `POST /${request.version}/${request.phoneNumberId}/messages to ${String(request.body.to)}, quoting ${request.inReplyTo}: ${body}`;
}

/** The function's log lines, on stderr; EMF metric blobs are left out (CloudWatch reads those, people don't). */
function printLog(line: string) {
  if (line.includes('"_aws"')) return;
  process.stderr.write(`  | ${line}\n`);
}

function note(message: string) {
  process.stderr.write(`invoke: ${message}\n`);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file} as JSON (${String(error)}). ${USAGE}`);
  }
}

/** Enough of a check to refuse a file that is no event of the three triggers. */
function readEvent(file: string): unknown {
  const value = readJson(file);
  if (triggerOf(value) !== undefined) return value;
  throw new Error(
    `${file} is not an API Gateway HTTP API (payload 2.0), DynamoDB stream or SQS event. ${USAGE}`,
  );
}
