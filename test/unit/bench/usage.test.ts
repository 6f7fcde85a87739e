import { describe, expect, it } from 'vitest';
import type { PhaseSample } from '../../../bench/measure';
import { gbSeconds } from '../../../bench/results';
import { billedMs, usageOf } from '../../../bench/usage';
import { DEFAULT_SETTINGS } from '../../../lib/settings';

const sample = (over: Partial<PhaseSample>): PhaseSample => ({
  plans: [],
  deliveries: [],
  requests: {},
  cpuMs: 0,
  wallMs: 0,
  repliesTo: [],
  queuedInvocations: {},
  queuedCpuMs: {},
  sqs: {},
  sendDelaysMs: [],
  ...over,
});

describe('billedMs', () => {
  it('rounds each invocation up to the next millisecond before adding', () => {
    expect(billedMs([0.2, 1, 1.01, 10.5])).toBe(1 + 1 + 2 + 11);
  });
});

describe('usageOf', () => {
  it('counts webhook POSTs, statuses, functions, request units and SQS requests over the rounds', () => {
    const usage = usageOf([
      sample({
        deliveries: [
          { message: 1, kind: 'first', status: 200, ms: 4.5, startedAt: 0 },
          { message: 1, kind: 'simultaneous', status: 200, ms: 2.1, startedAt: 1 },
          { message: 1, kind: 'status', status: 200, ms: 1, startedAt: 2 },
        ],
        cpuMs: 7,
        requests: {
          PutItem: { ok: 1, conditionFailed: 1, error: 0, capacityUnits: 2 },
          GetItem: { ok: 1, conditionFailed: 0, error: 0, capacityUnits: 0.5 },
        },
        queuedInvocations: { worker: [210.2], redrive: [] },
        queuedCpuMs: { worker: 3, redrive: 0 },
        sqs: { SendMessage: 1 },
      }),
      sample({
        requests: { UpdateItem: { ok: 2, conditionFailed: 0, error: 0, capacityUnits: 2 } },
        queuedInvocations: { worker: [5] },
        queuedCpuMs: { worker: 1 },
        sqs: { SendMessage: 2 },
      }),
    ]);
    const memoryMb = DEFAULT_SETTINGS.memorySizeMb;
    expect(usage).toMatchObject({
      apiGatewayRequests: 3,
      statusWebhooks: 1,
      lambda: {
        webhook: { invocations: 3, billedMs: 5 + 3 + 1, memoryMb, cpuMs: 7 },
        worker: { invocations: 2, billedMs: 211 + 5, memoryMb, cpuMs: 4 },
        redrive: { invocations: 0, billedMs: 0, memoryMb, cpuMs: 0 },
      },
      dynamoDb: {
        PutItem: { requests: 2, conditionFailed: 1, errors: 0, writeUnits: 2, readUnits: 0 },
        GetItem: { requests: 1, conditionFailed: 0, errors: 0, writeUnits: 0, readUnits: 0.5 },
        UpdateItem: { requests: 2, writeUnits: 2, readUnits: 0 },
      },
      sqs: { SendMessage: 3 },
    });
  });

  it('leaves out the worker and redrive of a target that has none', () => {
    expect(Object.keys(usageOf([sample({})]).lambda)).toEqual(['webhook']);
  });
});

describe('gbSeconds', () => {
  it('is billed seconds times memory in GB', () => {
    expect(gbSeconds({ invocations: 1, billedMs: 2_000, memoryMb: 512, cpuMs: 0 })).toBe(1);
  });
});
