import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../devkit/lambda-host/lambda-context';
import { requestTelemetry } from '../../../lambda/observability/request-telemetry';

/** Lines Powertools prints to stdout and stderr (its own Console writes to both streams). */
function printed() {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line !== ''),
    );
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function handlerWith(work: (logger: Logger, metrics: Metrics) => void) {
  vi.stubEnv('POWERTOOLS_DEV', '');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const logger = new Logger({ serviceName: 'test' });
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const handler = middy<unknown, string>()
    .use(requestTelemetry(logger, metrics))
    .handler(async () => {
      work(logger, metrics);
      return 'ok';
    });
  return { handler, logger, metrics };
}

describe('requestTelemetry', () => {
  it('prints no metrics line, and no warning, for an invocation that recorded no metric', async () => {
    const { handler, metrics } = handlerWith(() => undefined);
    metrics.captureColdStartMetric = vi.fn();
    const lines = printed();
    await handler({}, context('req-1'));
    expect(lines).toEqual([]);
  });

  it('flushes the metrics an invocation recorded as one EMF line', async () => {
    const { handler, metrics } = handlerWith((_, m) => m.addMetric('RepliesSent', MetricUnit.Count, 1));
    metrics.captureColdStartMetric = vi.fn();
    const lines = printed();
    await handler({}, context('req-1'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ RepliesSent: 1 });
  });

  it('tags each line with the request id only, and drops it after the invocation', async () => {
    let fields: Record<string, unknown> = {};
    const { handler, logger, metrics } = handlerWith((l) => {
      fields = l.getPersistentLogAttributes();
      l.info('inside');
    });
    metrics.captureColdStartMetric = vi.fn();
    const lines = printed();
    await handler({}, context('req-7'));
    const line = JSON.parse(lines.find((l) => l.includes('inside')) ?? '{}');
    expect(line).toMatchObject({ function_request_id: 'req-7' });
    expect(line).not.toHaveProperty('function_arn');
    expect(line).not.toHaveProperty('function_name');
    expect(fields).not.toHaveProperty('function_request_id');
    lines.length = 0;
    logger.info('after');
    expect(JSON.parse(lines[0] ?? '{}')).not.toHaveProperty('function_request_id');
  });
});

function context(requestId: string): Context {
  return lambdaContext({ functionName: 'fn', remainingMs: 1_000, requestId });
}
