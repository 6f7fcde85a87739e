import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbClaimStore } from '../../../lambda/adapters/dynamodb-claim-store';
import { DEFAULTS } from '../../../lambda/config/config';
import { encodeCallbackData } from '../../../lambda/domain/callback-data';
import type { ClaimState } from '../../../lambda/domain/claim-record';
import { recordKey } from '../../../lambda/domain/messages';
import { isFinal, type MessageOutcome } from '../../../lambda/domain/outcomes';
import { reconcileStatus } from '../../../lambda/domain/reconcile-status';
import { FakeClock } from '../../support/fake-clock';
import { InMemoryClaimStore } from '../../support/in-memory-claim-store';
import { recordingObserver } from '../../support/recording-observer';

// The SPIN model (model/*.pml) restates the code; these tests fail when the code changes under it,
// so that whoever changes the code updates the model too (docs/PROTOCOL.md, "Keeping the model true").

const source = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** `mirrors: <name> ConditionExpression = "<expression>"` lines of the model. */
function mirroredConditions(): Map<string, string> {
  const lines = source('model/store.pml').matchAll(
    /mirrors: ([\w ]+?) ConditionExpression =\s*(?:\*\s*)?"([^"]+)"/g,
  );
  return new Map([...lines].map(([, name, expression]) => [name as string, expression as string]));
}

const KEY = { tenantId: '106540352242922', messageId: 'wamid.A' };
const FENCE = { owner: 'owner-1', attempt: 1 };
const NOW = 1_800_000_000_123;
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(documentClient);
const store = new DynamoDbClaimStore(documentClient, 'claims', () => NOW);

const lastUpdateCondition = (): string | undefined =>
  ddb.commandCalls(UpdateCommand).at(-1)?.args[0].input.ConditionExpression;

beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

describe('the claim model', () => {
  it('mirrors the claim condition the store sends', async () => {
    await store.claim(
      KEY,
      { ...FENCE, leaseUntil: NOW + 18_000, expiresAt: 1_800_691_200 },
      { nowMs: NOW, takeoverBeforeMs: NOW - 3_000 },
    );

    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBe(
      mirroredConditions().get('claim'),
    );
  });

  it('mirrors the fence of complete', async () => {
    await store.complete(KEY, FENCE, 'wamid.out');

    expect(lastUpdateCondition()).toBe(mirroredConditions().get('fenced'));
  });

  it.each([
    ['release', () => store.release(KEY, FENCE)],
    ['markUnknown', () => store.markUnknown(KEY, FENCE, NOW + 30_000)],
    ['markFailed', () => store.markFailed(KEY, FENCE, 131047)],
  ])('mirrors the fence of %s, which also requires the claimed state', async (_name, write) => {
    await write();

    expect(lastUpdateCondition()).toBe(mirroredConditions().get('fenced while claimed'));
  });

  it('mirrors the condition of a status confirming a send', async () => {
    await store.confirmSent(KEY, 'wamid.out');

    expect(lastUpdateCondition()).toBe(mirroredConditions().get('confirmSent'));
  });

  it('mirrors the lease condition of queued mode', async () => {
    ddb.on(UpdateCommand).resolves({
      Attributes: { state: 'claimed', owner: 'w-1', attempt: 2, leaseUntil: NOW, expiresAt: 1 },
    });

    await store.lease(
      KEY,
      { owner: 'w-1', observedAttempt: 1, leaseUntil: NOW },
      { nowMs: NOW, takeoverBeforeMs: NOW },
    );

    expect(lastUpdateCondition()).toBe(mirroredConditions().get('lease'));
  });

  it('mirrors the takeover that keeps a stored answer', async () => {
    await store.claim(
      KEY,
      { ...FENCE, attempt: 2, leaseUntil: NOW + 18_000, expiresAt: 1_800_691_200, keepParts: true },
      { nowMs: NOW, takeoverBeforeMs: NOW - 3_000 },
    );

    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(lastUpdateCondition()).toBe(mirroredConditions().get('takeover'));
  });

  it.each([
    ['storeParts', () => store.storeParts(KEY, FENCE, [{ kind: 'text', body: 'a' }])],
    ['partSent', () => store.partSent(KEY, FENCE, 1)],
  ])('mirrors the fence of %s, fenced while claimed', async (name, write) => {
    await write();

    expect(lastUpdateCondition()).toBe(mirroredConditions().get(name));
  });

  it("mirrors the condition of a part's status", async () => {
    await store.confirmPart(KEY, 1);

    expect(lastUpdateCondition()).toBe(mirroredConditions().get('confirmPart'));
  });

  it('has the claim states of the code, plus a missing item', () => {
    const union = /export type ClaimState = ([^;]+);/.exec(source('lambda/domain/claim-record.ts'))?.[1];
    const codeStates = union?.split(' | ').map((state) => state.replaceAll("'", '')) ?? [];
    const modelStates = /mtype = \{ ABSENT, ([^}]+) \};/.exec(source('model/store.pml'))?.[1];

    expect(modelStates?.split(', ').map((state) => state.toLowerCase())).toEqual(codeStates);
  });

  it('runs as many claim rounds per delivery as the use case', () => {
    const code = /export const MAX_CLAIM_ROUNDS = (\d+);/.exec(source('lambda/domain/tuning.ts'))?.[1];
    const model = /#define MAX_ROUNDS (\d+)/.exec(source('model/params.pml'))?.[1];

    expect(model).toBe(code);
  });

  it('runs as many lease rounds per trigger and claim rounds per queued delivery as the code', () => {
    const leaseRounds = /const MAX_LEASE_ROUNDS = (\d+);/.exec(
      source('lambda/domain/deliver-queued.ts'),
    )?.[1];
    const enqueueRounds = /const MAX_ENQUEUE_ROUNDS = (\d+);/.exec(
      source('lambda/domain/enqueue-message.ts'),
    )?.[1];

    expect(leaseRounds).toBeDefined();
    expect(/#define MAX_LEASE_ROUNDS (\d+)/.exec(source('model/worker.pml'))?.[1]).toBe(leaseRounds);
    expect(/#define MAX_ROUNDS (\d+)/.exec(source('model/params.pml'))?.[1]).toBe(enqueueRounds);
  });

  it('keeps the order of the default timings that its abstract clock relies on', () => {
    // A Lambda that is not a zombie is dead when its claim can be taken over (SAFETY <= GRACE) ...
    expect(DEFAULTS.leaseSafetyMs).toBeLessThanOrEqual(DEFAULTS.takeoverGraceMs);
    // ... an ambiguous send waits longer for a status than a crashed one (AMB_GRACE > GRACE).
    expect(DEFAULTS.ambiguousGraceMs).toBeGreaterThan(DEFAULTS.takeoverGraceMs);
  });

  it('answers 200 for the outcomes the model answers 200 for', () => {
    const outcomes: [MessageOutcome, boolean][] = [
      [{ kind: 'replied' }, true],
      [{ kind: 'terminal', reason: 'permanent-error' }, true],
      [{ kind: 'duplicate', reason: 'already-processed' }, true],
      [{ kind: 'duplicate', reason: 'in-flight' }, true],
      [{ kind: 'retry-later', reason: 'in-flight' }, false],
      [{ kind: 'retry-later', reason: 'ambiguous-send' }, false],
      [{ kind: 'retry-later', reason: 'send-failed' }, false],
      [{ kind: 'store-error' }, false],
    ];

    expect(outcomes.map(([outcome]) => isFinal(outcome))).toEqual(outcomes.map(([, final]) => final));
  });
});

describe('the status path of the model', () => {
  const clock = new FakeClock();
  const farFromExpiry = Math.floor(clock.now() / 1000) + 8 * 86_400;

  /** The store operations one sent status costs when the store holds a record in `state`, or none. */
  async function statusPath(state: ClaimState | undefined, expiresAt = farFromExpiry) {
    const claims = new InMemoryClaimStore();
    if (state) {
      claims.records.set(recordKey(KEY), { state, owner: 'owner-1', attempt: 1, leaseUntil: 0, expiresAt });
    }
    await reconcileStatus(
      { claims, clock, observer: recordingObserver() },
      {
        tenantId: KEY.tenantId,
        outboundId: 'wamid.out',
        status: 'sent',
        callbackData: encodeCallbackData({ key: KEY, attempt: 1 }),
        errorCodes: [],
      },
    );
    return claims.calls;
  }

  const codeStates = (): ClaimState[] => {
    const union = /export type ClaimState = ([^;]+);/.exec(source('lambda/domain/claim-record.ts'))?.[1];
    return (union?.split(' | ').map((state) => state.replaceAll("'", '')) ?? []) as ClaimState[];
  };

  it('skips the write for exactly the states the model trusts from a read (settleStatus)', async () => {
    const trustedInModel = [
      ...source('model/world.pml').matchAll(/rstate == (\w+) && !rexpired -> peeked = PEEK_DONE/g),
    ].map(([, state]) => state?.toLowerCase());
    const trustedInCode: string[] = [];
    for (const state of codeStates()) {
      if (!(await statusPath(state)).includes('confirmSent')) trustedInCode.push(state);
    }

    expect(trustedInModel).toEqual(['done']);
    expect(trustedInCode).toEqual(trustedInModel);
  });

  it('does not trust a done record near its expiry, as the model trusts no expired one', async () => {
    expect(source('model/store.pml')).toMatch(/#define NOTE_DONE if :: !rexpired ->/);
    expect(await statusPath('done', Math.floor(clock.now() / 1000) + 60)).toEqual(['peek', 'confirmSent']);
  });

  it('reads again, consistently, when the peek finds nothing, as the model does', async () => {
    expect(source('model/world.pml')).toMatch(/peeked == PEEK_NOTHING -> {3}\/\* the consistent read \*\//);
    expect(await statusPath(undefined)).toEqual(['peek', 'read']);
  });
});
