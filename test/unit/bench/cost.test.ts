import { describe, expect, it } from 'vitest';
import { type CostUsage, costPerMillionMessages } from '../../../bench/cost';
import { PRICES } from '../../../bench/prices';

const NOTHING: CostUsage = {
  messages: 1_000,
  apiRequests: 0,
  invocations: 0,
  gbSeconds: 0,
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

  it('bills duration in GB-seconds on arm64', () => {
    // 1,000 messages x 100 ms at 512 MB = 0.05 GB-s per message, 50,000 GB-s per million.
    const { parts } = costPerMillionMessages({ ...NOTHING, gbSeconds: 50 });
    expect(parts.lambdaDuration).toBeCloseTo(50_000 * 0.0000133334, 10);
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

describe('PRICES', () => {
  it('names a source and the date it was read for every price', () => {
    for (const price of Object.values(PRICES)) {
      expect(price.source.length).toBeGreaterThan(20);
      expect(price.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
