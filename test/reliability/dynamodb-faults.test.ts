import { describe, it, type TestContext } from 'vitest';
import type { DynamoCall, DynamoFault } from '../../devkit/faults/dynamodb-faults';
import { messagesWebhook, statusWebhook } from '../../devkit/meta/meta-json';
import { sleep } from '../../devkit/sleep';
import type { ClaimOperation } from '../../lambda/domain/ports';
import { type FaultHarness, PHONE_NUMBER_ID, SHORT_REMAINING_MS, startFaultHarness } from './fault-harness';

const one = (id: string) => messagesWebhook(PHONE_NUMBER_ID, [{ id }]);

/** A harness whose DynamoDB fails every request to `operation` while `failing()` holds, and counts them. */
async function withOutage(
  onTestFinished: TestContext['onTestFinished'],
  operation: ClaimOperation,
  fault: DynamoFault['kind'] & ('throttle' | 'outage'),
  failing: (call: DynamoCall) => boolean,
  env: Record<string, string> = {},
): Promise<{ h: FaultHarness; calls: DynamoCall[] }> {
  const calls: DynamoCall[] = [];
  const h = await startFaultHarness({
    env,
    dynamo: (call) => {
      calls.push(call);
      return call.operation === operation && failing(call) ? { kind: fault } : undefined;
    },
  });
  // The test's own hook: concurrent tests share the global one.
  onTestFinished(() => h.close());
  return { h, calls };
}

describe.concurrent('DynamoDB throttled or down', () => {
  it('fails closed when the claim cannot be written: 500 and no reply, then replies once', async ({
    expect,
    onTestFinished,
  }) => {
    let down = true;
    const { h } = await withOutage(onTestFinished, 'claim', 'outage', () => down);
    const failed = await h.deliver(one('wamid.claim-down'));
    expect(failed.answer).toMatchObject({ kind: 'answered', statusCode: 500 });
    expect(h.graph.requests).toHaveLength(0);
    expect(await h.record('wamid.claim-down')).toBeUndefined();

    down = false;
    const retry = await h.deliver(one('wamid.claim-down'));
    expect(retry.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(h.graph.accepted).toHaveLength(1);
  });

  it('absorbs a throttled claim with the SDK retries: one reply, one more request', async ({
    expect,
    onTestFinished,
  }) => {
    let throttles = 2;
    const { h, calls } = await withOutage(onTestFinished, 'claim', 'throttle', () => throttles-- > 0);
    // The SDK backs off at least 500 ms per throttle: give the invocation time to still send.
    const result = await h.deliver(one('wamid.claim-throttled'), 6_000);
    expect(result.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(h.graph.accepted).toHaveLength(1);
    expect(calls.filter((c) => c.operation === 'claim')).toHaveLength(3);
  });

  it('replies once when the completion write fails after the send; the status settles the record', async ({
    expect,
    onTestFinished,
  }) => {
    const { h } = await withOutage(onTestFinished, 'complete', 'outage', () => true);
    const first = await h.deliver(one('wamid.complete-down'));
    // The reply left: the delivery is answered even though its own record could not be written.
    expect(first.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(await h.record('wamid.complete-down')).toMatchObject({ state: 'claimed' });
    const [sent] = h.graph.accepted;
    await h.deliver(
      statusWebhook(PHONE_NUMBER_ID, {
        id: sent?.outboundId ?? '',
        status: 'sent',
        callbackData: sent?.request.callbackData,
      }),
    );
    expect(await h.record('wamid.complete-down')).toMatchObject({ state: 'done' });

    await sleep(SHORT_REMAINING_MS + 150);
    const redelivery = await h.deliver(one('wamid.complete-down'));
    expect(redelivery.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(h.graph.requests).toHaveLength(1);
  });

  it('takes over after the lease when a failed send could not be released', async ({
    expect,
    onTestFinished,
  }) => {
    const { h } = await withOutage(onTestFinished, 'release', 'outage', () => true, {
      SEND_MAX_ATTEMPTS: '1',
    });
    let failures = 1;
    h.graph.behave(() =>
      failures-- > 0 ? { kind: 'error', status: 500, code: 131000 } : { kind: 'accept' },
    );
    const failed = await h.deliver(one('wamid.release-down'));
    expect(failed.answer).toMatchObject({ kind: 'answered', statusCode: 503 });
    expect(await h.record('wamid.release-down')).toMatchObject({ state: 'claimed', attempt: 1 });

    const tooEarly = await h.deliver(one('wamid.release-down'));
    expect(tooEarly.answer).toMatchObject({ kind: 'answered', statusCode: 503 });

    await sleep(SHORT_REMAINING_MS + 150);
    const retry = await h.deliver(one('wamid.release-down'));
    expect(retry.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(h.graph.accepted).toHaveLength(1);
    expect(await h.record('wamid.release-down')).toMatchObject({ state: 'done', attempt: 2 });
  });
});
