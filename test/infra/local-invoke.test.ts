import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/config/env-names';
import { FUNCTION_LOGICAL_ID, REDRIVE_LOGICAL_ID, STACK_ID, WORKER_LOGICAL_ID } from '../../lib/identifiers';
import {
  type FunctionAsset,
  findFunctionAsset,
  invokeLocally,
  type LocalFunction,
  type LocalRun,
  resolveEnvironment,
} from '../../scripts/invoke-asset';
import { queuedEvents } from '../../scripts/queued-sample-events';
import {
  LOCAL_CREDENTIALS,
  SAMPLE_CHALLENGE,
  SAMPLE_EVENT_FILES,
  SAMPLE_MESSAGE_ID,
  sampleEvents,
} from '../../scripts/sample-events';

const run = promisify(execFile);
// One synth for the file (the real CLI, offline, as the README tells users to run it): it takes a minute on a busy machine.
let synth: Promise<string> | undefined;
const synthesizedTemplate = (): Promise<string> => {
  synth ??= (async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'whatsapp-once-cdk-out-'));
    await run(
      join('node_modules', '.bin', 'cdk'),
      ['synth', '--quiet', '-c', 'localInvoke=true', '--output', outdir],
      { env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } },
    );
    return join(outdir, `${STACK_ID}.template.json`);
  })();
  return synth;
};
const SYNTH_HOOK_MS = 300_000;
const envVarsFile = (): unknown => JSON.parse(readFileSync(join('events', 'env-vars.json'), 'utf8'));

describe('resolveEnvironment (the env-vars rules of sam local invoke)', () => {
  const asset: FunctionAsset = {
    logicalId: 'WebhookFunction',
    assetDir: '',
    handlerFile: '',
    exportName: 'handler',
    timeoutSeconds: 25,
    memorySizeMb: 512,
    variables: { TABLE_NAME: { Ref: 'Table' }, GRAPH_API_VERSION: 'v26.0', LOG: 'INFO' },
  };

  it('overrides declared variables, the function entry winning over Parameters', () => {
    const resolved = resolveEnvironment(asset, {
      Parameters: { TABLE_NAME: 'from-parameters', LOG: 'DEBUG' },
      WebhookFunction: { TABLE_NAME: 'from-function-entry' },
    });
    expect(resolved.variables).toEqual({
      TABLE_NAME: 'from-function-entry',
      GRAPH_API_VERSION: 'v26.0',
      LOG: 'DEBUG',
    });
  });

  it('ignores variables the template does not declare, and reports intrinsics left without a value', () => {
    const resolved = resolveEnvironment(asset, { Parameters: { UNDECLARED: 'x' } });
    expect(resolved.variables).not.toHaveProperty('UNDECLARED');
    expect(resolved.ignored).toEqual(['UNDECLARED']);
    expect(resolved.unresolved).toEqual(['TABLE_NAME']);
  });
});

describe('the synthesized asset, run like sam local invoke would', () => {
  let templatePath: string;
  let asset: FunctionAsset;
  let local: LocalRun;

  beforeAll(async () => {
    templatePath = await synthesizedTemplate();
    asset = findFunctionAsset(templatePath);
    const environment = resolveEnvironment(asset, envVarsFile());
    const events = sampleEvents(LOCAL_CREDENTIALS, Date.now() - 5_000);
    local = await invokeLocally({
      functions: [{ asset, variables: environment.variables }],
      events: SAMPLE_EVENT_FILES.map((file) => ({ name: file, event: events[file] })),
    });
  }, SYNTH_HOOK_MS);

  it('declares every variable of events/env-vars.json, so SAM applies all of them', () => {
    const environment = resolveEnvironment(asset, envVarsFile());
    expect(environment.ignored).toEqual([]);
    expect(environment.unresolved).toEqual([]);
    expect(environment.variables[ENV.secretId]).toBe('');
  });

  it('answers every sample event as the handler should', () => {
    const answers = local.invocations.map((invocation) =>
      invocation.kind === 'result' ? invocation.result : invocation.error,
    );
    expect(answers).toEqual([
      { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: SAMPLE_CHALLENGE },
      expect.objectContaining({ statusCode: 200 }),
      expect.objectContaining({ statusCode: 200 }),
      expect.objectContaining({ statusCode: 200 }),
      expect.objectContaining({ statusCode: 401 }),
    ]);
  });

  it('runs the bundle under LAMBDA_NODE_BINARY when given (CI: the runtime major), else under this node', () => {
    const template = JSON.parse(readFileSync(templatePath, 'utf8'));
    const runtime: unknown = template.Resources[FUNCTION_LOGICAL_ID].Properties.Runtime;
    const runtimeMajor = /^nodejs(\d+)\.x$/.exec(String(runtime))?.[1];
    expect(runtimeMajor).toBeDefined();
    if (process.env.LAMBDA_NODE_BINARY === undefined) expect(local.nodeVersion).toBe(process.version);
    else expect(local.nodeVersion).toMatch(new RegExp(`^v${runtimeMajor}\\.`));
  });

  it('replies once to the two deliveries of the same message', () => {
    expect(local.graphRequests).toHaveLength(1);
    expect(local.graphRequests[0]).toMatchObject({
      inReplyTo: SAMPLE_MESSAGE_ID,
      authorization: `Bearer ${LOCAL_CREDENTIALS.accessToken}`,
      body: { text: { body: 'Hello! How can I assist you today?' } },
    });
  });
});

describe('the queued-mode bundles, run like sam local invoke would', () => {
  // Meta's example date: far past the 24-hour window, as a committed event becomes a day after `npm run events`.
  const STALE_SENT_AT_MS = 1_749_416_383_000;
  let functions: LocalFunction[];
  const functionOf = (templatePath: string, logicalId: string, extra: Record<string, string> = {}) => {
    const asset = findFunctionAsset(templatePath, logicalId);
    return { asset, variables: { ...resolveEnvironment(asset, envVarsFile()).variables, ...extra } };
  };

  beforeAll(async () => {
    const templatePath = await synthesizedTemplate();
    functions = [
      functionOf(templatePath, FUNCTION_LOGICAL_ID, { [ENV.replyMode]: 'queued' }),
      functionOf(templatePath, WORKER_LOGICAL_ID),
      functionOf(templatePath, REDRIVE_LOGICAL_ID),
    ];
  }, SYNTH_HOOK_MS);

  it('queues at the webhook, replies once from the worker, and finds it settled at the re-drive', async () => {
    const notes: string[] = [];
    const stale = queuedEvents(STALE_SENT_AT_MS);
    const local = await invokeLocally({
      functions,
      events: [
        { name: 'text', event: sampleEvents(LOCAL_CREDENTIALS, Date.now() - 5_000)['text-message.json'] },
        { name: 'stream', event: stale['worker-stream-queued.json'] },
        { name: 'redrive', event: stale['redrive-message.json'] },
      ],
      onNote: (line) => notes.push(line),
    });

    expect(
      local.invocations.map((invocation) =>
        invocation.kind === 'result' ? invocation.result : invocation.error,
      ),
    ).toEqual([
      expect.objectContaining({ statusCode: 200 }),
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    expect(local.graphRequests.map((request) => request.inReplyTo)).toEqual([SAMPLE_MESSAGE_ID]);
    expect(notes).toContainEqual(
      expect.stringMatching(/^stream: its message is \d+ h old, .*re-dated to now/),
    );
    expect(local.redrivesQueued).toBe(0);
  });

  it('runs a stream event alone on the claim the webhook would have written; kept stale, it ends window-closed', async () => {
    const notes: string[] = [];
    const event = queuedEvents(STALE_SENT_AT_MS)['worker-stream-queued.json'];
    const local = await invokeLocally({
      functions,
      events: [{ name: 'stream', event }],
      onNote: (line) => notes.push(line),
      keepTimestamps: true,
    });

    expect(local.invocations[0]).toMatchObject({ kind: 'result', result: { batchItemFailures: [] } });
    expect(local.graphRequests).toEqual([]);
    expect(notes).toEqual([
      expect.stringMatching(/past the 24-hour reply window \(kept: expect window-closed\)/),
      'stream: wrote the queued claim the webhook would have written (1)',
    ]);
  });

  it('runs a re-drive alone and replies, the record at the attempt the message observed', async () => {
    const local = await invokeLocally({
      functions,
      events: [{ name: 'redrive', event: queuedEvents(Date.now() - 5_000)['redrive-message.json'] }],
    });

    expect(local.invocations[0]).toMatchObject({ kind: 'result', result: { batchItemFailures: [] } });
    expect(local.graphRequests).toHaveLength(1);
  });
});
