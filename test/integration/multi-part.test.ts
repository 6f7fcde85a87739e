import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClaimTable, localDynamoDbClient } from '../../devkit/dynamodb-local';
import { DynamoDbClaimStore } from '../../lambda/adapters/dynamodb-claim-store';
import { answerMessage } from '../../lambda/domain/answer-message';
import type { BotAnswer } from '../../lambda/domain/bot';
import { decodeCallbackData } from '../../lambda/domain/callback-data';
import { deliverQueued, type WorkerDeps } from '../../lambda/domain/deliver-queued';
import { enqueueMessage } from '../../lambda/domain/enqueue-message';
import type { ClaimStore, OutboundReply } from '../../lambda/domain/ports';
import { reconcileStatus } from '../../lambda/domain/reconcile-status';
import { InMemoryClaimStore } from '../support/in-memory-claim-store';
import { InMemoryRedriveQueue } from '../support/in-memory-redrive-queue';
import { message, TUNING, useCaseFixture } from '../unit/domain/use-case-fixture';

// Issue #13: each part of an answer is sent exactly once. A crash between part 2 and part 3
// resumes at part 3, in both reply modes, on the fake store and on DynamoDB Local.

const ANSWER: BotAnswer = [
  { kind: 'text', body: 'one' },
  { kind: 'buttons', body: 'two', buttons: [{ id: 'y', title: 'Yes' }] },
  { kind: 'text', body: 'three' },
];

/** The Lambda dies mid-answer: the send of this part throws out of the use case. */
class Crash extends Error {}

const stores: [string, () => Promise<{ store: ClaimStore; close(): void }>][] = [
  ['in-memory fake', async () => ({ store: new InMemoryClaimStore(), close: () => undefined })],
  [
    'DynamoDB Local',
    async () => {
      const client = localDynamoDbClient(inject('dynamoEndpoint'));
      const tableName = `parts-${randomUUID()}`;
      await createClaimTable(client, tableName);
      return {
        store: new DynamoDbClaimStore(DynamoDBDocumentClient.from(client), tableName),
        close: () => client.destroy(),
      };
    },
  ],
];

describe.each(stores)('multi-part answers: %s', (_name, open) => {
  let store: ClaimStore;
  let close: () => void;
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(() => close());

  /** The use case's fakes around the real store, a bot that answers in three parts, a crash switch. */
  function fixture() {
    const f = useCaseFixture();
    let composed = 0;
    let crashAt: number | undefined;
    f.deps.claims = store;
    f.deps.bot = {
      compose: async () => {
        composed++;
        return ANSWER;
      },
    };
    f.onSend((reply: OutboundReply) => {
      if (f.sent.length - 1 === crashAt) {
        crashAt = undefined;
        f.sent.pop();
        throw new Crash('killed before part 3 left');
      }
      void reply;
    });
    const id = `wamid.${randomUUID()}`;
    return {
      ...f,
      id,
      msg: message(id, { timestamp: Math.floor(f.clock.now() / 1000) }),
      composed: () => composed,
      crashBeforePart: (index: number) => {
        crashAt = index;
      },
      parts: () => f.sent.map((reply) => decodeCallbackData(reply.callbackData)?.part?.index),
    };
  }

  it('sends a three-part answer in order, each part tagged with its index, and settles it without the answer', async () => {
    const f = fixture();
    const outcome = await answerMessage(f.deps, { message: f.msg, deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.sent.map((reply) => reply.part)).toEqual(ANSWER);
    expect(f.parts()).toEqual([0, 1, 2]);
    expect(await store.read(f.msg.key)).toMatchObject({ state: 'done' });
    expect((await store.read(f.msg.key))?.parts).toBeUndefined();
    // The writes: claim, the answer, partsSent after parts 1 and 2, complete (a single part: claim, complete).
    if (store instanceof InMemoryClaimStore) {
      expect(store.calls.filter((call) => call !== 'read').slice(-5)).toEqual([
        'claim',
        'storeParts',
        'partSent',
        'partSent',
        'complete',
      ]);
    }
  });

  it('inline: a crash between part 2 and part 3 is resumed at part 3 by the takeover, never recomposed', async () => {
    const f = fixture();
    f.crashBeforePart(2);
    await expect(answerMessage(f.deps, { message: f.msg, deadline: f.deadline() })).rejects.toThrow(Crash);
    expect(await store.read(f.msg.key)).toMatchObject({ state: 'claimed', partsSent: 2, parts: ANSWER });

    f.clock.advance(20_000 + TUNING.takeoverGraceMs + 1); // the dead owner's lease and grace run out
    const outcome = await answerMessage(f.deps, { message: f.msg, deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(f.sent.map((reply) => reply.part)).toEqual(ANSWER);
    expect(f.sent.map((reply) => decodeCallbackData(reply.callbackData)?.attempt)).toEqual([1, 1, 2]);
    expect(f.composed()).toBe(1);
    expect(await store.read(f.msg.key)).toMatchObject({ state: 'done', attempt: 2 });
  });

  it("queued: a crash between part 2 and part 3 is resumed at part 3 by the re-drive's lease", async () => {
    const f = fixture();
    const redrive = new InMemoryRedriveQueue(f.clock.now);
    const deps: WorkerDeps = { ...f.deps, observer: f.observer, redrive };
    await enqueueMessage(f.deps, { message: f.msg });
    f.crashBeforePart(2);
    const run = (observedAttempt: number) =>
      deliverQueued(deps, { key: f.msg.key, observedAttempt, deadline: f.clock.now() + 60_000 });
    await expect(run(1)).rejects.toThrow(Crash);

    // The stream retries the dead worker's batch once its lease is over: it leases attempt 2's record.
    f.clock.advance(60_000 + TUNING.takeoverGraceMs + 1);
    expect(await run(1)).toEqual({ kind: 'replied' });

    expect(f.sent.map((reply) => reply.part)).toEqual(ANSWER);
    expect(f.parts()).toEqual([0, 1, 2]);
    expect(f.composed()).toBe(1);
    expect(await store.read(f.msg.key)).toMatchObject({ state: 'done', attempt: 3 });
  });

  it("settles exactly the part a status names: part 2's status moves the resume point past it", async () => {
    const f = fixture();
    f.crashBeforePart(2);
    await expect(answerMessage(f.deps, { message: f.msg, deadline: f.deadline() })).rejects.toThrow(Crash);
    // Say the owner's partSent after part 2 had been lost: part 2's status records it.
    const second = f.sent[1];
    await reconcileStatus(f.deps, {
      tenantId: f.msg.key.tenantId,
      outboundId: 'wamid.out-2',
      status: 'delivered',
      callbackData: second?.callbackData,
      errorCodes: [],
    });
    expect(await store.read(f.msg.key)).toMatchObject({ state: 'claimed', partsSent: 2 });
    // A stale status of part 1 never lowers it.
    await reconcileStatus(f.deps, {
      tenantId: f.msg.key.tenantId,
      outboundId: 'wamid.out-1',
      status: 'read',
      callbackData: f.sent[0]?.callbackData,
      errorCodes: [],
    });
    expect((await store.read(f.msg.key))?.partsSent).toBe(2);
  });
});
