import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { FaultPlan } from '../../scripts/storm/plans';
import { verdict } from '../../scripts/storm/report';
import { runPlan, STORM_TEXTS, stormPhoneNumber } from '../../scripts/storm/run-plan';
import { STORM_ACCESS_TOKEN, STORM_SECRET } from '../../scripts/storm/storm-app';
import { type CapturedLogs, captureLogs, leaks } from '../support/log-capture';

/**
 * `npm run storm` in small: the plan with every fault at once, on DynamoDB Local, a few dozen
 * messages. The full run and its figures are in docs/RELIABILITY.md.
 */
const SHORT_STORM: FaultPlan = {
  name: 'short-storm',
  summary: 'every fault at once, dense enough that 40 messages meet most of them',
  graph: {
    error500: 0.05,
    throttle: 0.05,
    permanentMessages: 0.05,
    failFirstAttempt: 0.1,
    slow: 0.05,
    hangLost: 0.05,
    hangDelivered: 0.05,
  },
  lambda: {
    dieBeforeSend: 0.05,
    dieAfterSend: 0.05,
    zombieClaim: 0.05,
    zombieBeforeSend: 0.05,
    zombieComplete: 0.05,
  },
  dynamo: {
    operations: ['claim', 'complete', 'release'],
    throttle: 0.1,
    outage: { everyMs: 2_500, forMs: 500 },
  },
};

const MESSAGES = 40;
let figures: Awaited<ReturnType<typeof runPlan>>;
let logs: CapturedLogs;
beforeAll(async () => {
  // Every line the handler prints during the storm, at DEBUG, for the hygiene check.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  logs = captureLogs();
  try {
    figures = await runPlan(SHORT_STORM, { endpoint: inject('dynamoEndpoint'), messages: MESSAGES, seed: 5 });
  } finally {
    logs.restore();
    vi.unstubAllEnvs();
  }
});
afterAll(() => logs.clear());

describe('a short storm with every fault at once', () => {
  it('answers every message once: no duplicate, no miss, every permanent failure terminal', () => {
    const timelines = figures.failures.map((f) => `${f.problem} ${f.pk}\n  ${f.timeline.join('\n  ')}`);
    expect(verdict(SHORT_STORM, figures), timelines.join('\n')).toEqual([]);
    expect(figures.duplicates).toBe(0);
    expect(figures.misses).toBe(0);
    // Not vacuous: Meta's copies, and faults of many kinds, really happened.
    expect(figures.deliveries).toBeGreaterThan(figures.messages);
    expect(figures.replies).toBeGreaterThan(0);
    expect(Object.keys(figures.injected).length, JSON.stringify(figures.injected)).toBeGreaterThanOrEqual(8);
  });

  it('leaks no secret, phone number or message text into any log line on the way', () => {
    expect(logs.messages()).toEqual(
      expect.arrayContaining(['Reply sent', 'Claim store error', 'Reply failed']),
    );
    const sensitive = {
      secrets: [STORM_SECRET, STORM_ACCESS_TOKEN],
      phoneNumbers: Array.from({ length: MESSAGES }, (_, index) => stormPhoneNumber(index)),
      texts: [...STORM_TEXTS],
    };
    expect(leaks(logs.lines(), sensitive)).toEqual([]);
  });
});
