import { describe, expect, it } from 'vitest';
import { percentiles, problemsOf, RunRecord } from '../../../../local/simulator/run-record';

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);

    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7, p99: 7, max: 7 });
    expect(percentiles([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('RunRecord.summarize', () => {
  const record = () => {
    const run = new RunRecord();
    run.expect('a', true);
    run.expect('b', true);
    run.expect('c', false);
    run.add({ messageIds: ['a'], status: 503, ms: 10, redelivery: false });
    run.add({ messageIds: ['a'], status: 200, ms: 20, redelivery: true });
    run.add({ messageIds: ['a', 'b'], status: 200, ms: 30, redelivery: false });
    run.add({ messageIds: ['c'], status: 'error', ms: 40, redelivery: false });
    return run;
  };

  it('counts duplicate deliveries, redeliveries and statuses', () => {
    const summary = record().summarize(undefined);

    expect(summary).toMatchObject({
      messages: 3,
      expectingReply: 2,
      requests: 4,
      duplicateDeliveries: 2,
      redeliveries: 1,
      statusCounts: { 200: 2, 503: 1, error: 1 },
      replies: undefined,
    });
  });

  it('finds duplicate replies, misses and replies nobody asked for', () => {
    const summary = record().summarize(
      new Map([
        ['a', 2],
        ['c', 1],
      ]),
    );

    expect(summary.replies).toEqual({
      total: 3,
      answeredOnce: 0,
      duplicateReplies: 1,
      missed: 1,
      unexpected: 1,
    });
    expect(problemsOf(summary)).toEqual([
      '1 duplicate replies',
      '1 messages never answered',
      '1 replies to messages that needed none',
    ]);
  });

  it('passes a run where each message was answered once', () => {
    const summary = record().summarize(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );

    expect(summary.replies?.answeredOnce).toBe(2);
    expect(problemsOf(summary)).toEqual([]);
  });
});
