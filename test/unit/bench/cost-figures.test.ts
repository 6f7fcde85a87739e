import { describe, expect, it } from 'vitest';
import { costFigures } from '../../../bench/cost-figures';
import type { PhaseSample } from '../../../bench/measure';
import type { TargetUsage } from '../../../bench/results';

const USAGE: TargetUsage = {
  messages: 10,
  messagesAnswered: 10,
  apiGatewayRequests: 50,
  statusWebhooks: 30,
  lambda: {
    webhook: { invocations: 50, billedMs: 2_000, memoryMb: 512, cpuMs: 100 },
    worker: { invocations: 10, billedMs: 1_000, memoryMb: 1_024, cpuMs: 50 },
  },
  dynamoDb: {
    PutItem: { requests: 12, conditionFailed: 2, errors: 0, writeUnits: 12, readUnits: 0 },
    UpdateItem: { requests: 10, conditionFailed: 0, errors: 0, writeUnits: 10, readUnits: 0 },
    GetItem: { requests: 30, conditionFailed: 0, errors: 0, writeUnits: 0, readUnits: 15 },
  },
  capacityUnitsSource: 'test',
  sqs: { SendMessage: 2, DeleteMessageBatch: 1 },
};

const sample = (logBytes: number | undefined): PhaseSample => ({
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
  ...(logBytes === undefined ? {} : { logBytes }),
});

describe('costFigures', () => {
  it('adds every function, operation, SQS request and printed byte of a target', () => {
    const figures = costFigures([sample(1_500), sample(1_000), sample(undefined)], USAGE, 270);
    expect(figures.usage).toEqual({
      messages: 10,
      apiRequests: 50,
      invocations: 60,
      gbSeconds: 2 * 0.5 + 1 * 1,
      writeUnits: 22,
      readUnits: 15,
      logBytes: 2_500,
      sqsRequests: 3,
    });
    expect(figures.statusesPerMessage).toBe(3);
    expect(figures.writeUnitsPerMessage).toBeCloseTo(2.2, 10);
    expect(figures.readUnitsPerMessage).toBeCloseTo(1.5, 10);
    expect(figures.logBytesPerMessage).toBe(250);
    expect(figures.steadyLogBytesPerMessage).toBe(270);
    expect(figures.cost.totalUsd).toBeGreaterThan(0);
  });
});
