import { describe, expect, it } from 'vitest';
import { billedMs, type CostUsage, costPerMillionMessages } from '../../../bench/cost';
import { CONSISTENT_GET, requestUnits } from '../../../bench/cost-units';
import { PRICES } from '../../../bench/prices';

const NOTHING: CostUsage = {
  messages: 1_000,
  apiRequests: 0,
  invocations: 0,
  billedMs: 0,
  memoryMb: 512,
  writeUnits: 0,
  readUnits: 0,
  logBytes: 0,
  sqsRequests: 0,
};

describe('costPerMillionMessages', () => {
  it('prices each part per million messages from the usage per message', () => {
    const { parts } = costPerMillionMessages({
      ...NOTHING,
      apiRequests: 4_000,
      invocations: 4_000,
      writeUnits: 3_000,
      readUnits: 1_500,
      sqsRequests: 2_000,
    });
    expect(parts.apiGateway).toBeCloseTo(4 * 1_000_000 * PRICES.apiGatewayHttpRequest.usd, 10);
    expect(parts.apiGateway).toBeCloseTo(4, 10);
    expect(parts.lambdaRequests).toBeCloseTo(0.8, 10);
    expect(parts.dynamoDbWrites).toBeCloseTo(3 * 0.625, 10);
    expect(parts.dynamoDbReads).toBeCloseTo(1.5 * 0.125, 10);
    expect(parts.sqs).toBeCloseTo(0.8, 10);
  });

  it('bills duration in GB-seconds at the configured memory', () => {
    // 1,000 messages x 100 ms at 512 MB = 0.05 GB-s per message, 50,000 GB-s per million.
    const { parts } = costPerMillionMessages({ ...NOTHING, billedMs: 100_000, memoryMb: 512 });
    expect(parts.lambdaDuration).toBeCloseTo(50_000 * PRICES.lambdaArmGbSecond.usd, 10);
    const doubled = costPerMillionMessages({ ...NOTHING, billedMs: 100_000, memoryMb: 1_024 });
    expect(doubled.parts.lambdaDuration).toBeCloseTo(2 * parts.lambdaDuration, 10);
  });

  it('prices log bytes as ingested decimal gigabytes', () => {
    // 400 bytes per message: 0.4 GB per million messages.
    const { parts } = costPerMillionMessages({ ...NOTHING, logBytes: 400_000 });
    expect(parts.logs).toBeCloseTo(0.4 * PRICES.cloudWatchLogsIngestedGb.usd, 10);
  });

  it('adds the parts up to the total', () => {
    const cost = costPerMillionMessages({ ...NOTHING, apiRequests: 1_000, writeUnits: 2_000, logBytes: 1e6 });
    expect(cost.totalUsd).toBeCloseTo(1 + 1.25 + 0.5, 10);
  });

  it('prices nothing when no message was carried', () => {
    expect(costPerMillionMessages({ ...NOTHING, messages: 0, apiRequests: 10 }).totalUsd).toBe(0);
  });
});

describe('billedMs', () => {
  it('rounds each invocation up to the next millisecond, at least one', () => {
    expect(billedMs([0.2, 1, 1.01, 49.5])).toBe(1 + 1 + 2 + 50);
  });
});

describe('requestUnits', () => {
  it('bills a refused conditional write like a successful one and skips failed requests', () => {
    const units = requestUnits({
      PutItem: { ok: 3, conditionFailed: 2, error: 1 },
      UpdateItem: { ok: 4, conditionFailed: 1, error: 0 },
      DeleteItem: { ok: 1, conditionFailed: 0, error: 0 },
    });
    expect(units).toEqual({ writeUnits: 11, readUnits: 0 });
  });

  it('bills an eventually consistent read half a unit and a consistent one a whole unit', () => {
    const units = requestUnits({
      GetItem: { ok: 4, conditionFailed: 0, error: 2 },
      [CONSISTENT_GET]: { ok: 3, conditionFailed: 0, error: 0 },
    });
    expect(units).toEqual({ writeUnits: 0, readUnits: 2 + 3 });
  });

  it('prices the stream reads of a Lambda trigger at nothing', () => {
    const units = requestUnits({ GetRecords: { ok: 9, conditionFailed: 0, error: 0 } });
    expect(units).toEqual({ writeUnits: 0, readUnits: 0 });
  });

  it('refuses an operation it has no price for', () => {
    expect(() => requestUnits({ Query: { ok: 1, conditionFailed: 0, error: 0 } })).toThrow(/Query/);
  });
});

describe('PRICES', () => {
  it('names a source and the date it was read for every price', () => {
    for (const price of Object.values(PRICES)) {
      expect(price.source.length).toBeGreaterThan(20);
      expect(price.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
