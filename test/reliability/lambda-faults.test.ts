import { describe, it, type TestContext } from 'vitest';
import { messagesWebhook, statusWebhook } from '../../devkit/meta/meta-json';
import { sleep } from '../../devkit/sleep';
import { type FaultHarness, PHONE_NUMBER_ID, SHORT_REMAINING_MS, startFaultHarness } from './fault-harness';

// Each test waits out a lease on its own table and stub, so they run side by side (and so each
// closes its harness through its own context, not the global hook that concurrent tests share).
const start = async (
  onTestFinished: TestContext['onTestFinished'],
  options: Parameters<typeof startFaultHarness>[0],
): Promise<FaultHarness> => {
  const h = await startFaultHarness(options);
  onTestFinished(() => h.close());
  return h;
};

const one = (id: string) => messagesWebhook(PHONE_NUMBER_ID, [{ id }]);
const pk = (id: string) => `${PHONE_NUMBER_ID}#${id}`;
/** Past the lease and the takeover grace of an invocation that started now. */
const pastTheLease = () => sleep(SHORT_REMAINING_MS + 150);

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.concurrent('a Lambda that dies', () => {
  it('after its claim and before the send: a later delivery takes over and replies once', async ({
    expect,
    onTestFinished,
  }) => {
    const h = await start(onTestFinished, {
      fetch: (call) => (call.attempt === 1 ? { kind: 'die-before-send' } : undefined),
    });
    const first = await h.deliver(one('wamid.die-before'));
    expect(first.answer.kind).toBe('died');
    expect(h.graph.requests).toHaveLength(0);

    const tooEarly = await h.deliver(one('wamid.die-before'));
    expect(tooEarly.answer).toMatchObject({ kind: 'answered', statusCode: 503 });

    await pastTheLease();
    const retry = await h.deliver(one('wamid.die-before'));
    expect(retry.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(h.graph.accepted).toHaveLength(1);
    expect(await h.record('wamid.die-before')).toMatchObject({ state: 'done', attempt: 2 });
  });

  it('after the send and before completion: the status settles it and the redelivery does not resend', async ({
    expect,
    onTestFinished,
  }) => {
    const h = await start(onTestFinished, {
      dynamo: (call) => (call.operation === 'complete' && call.attempt === 1 ? { kind: 'die' } : undefined),
    });
    const first = await h.deliver(one('wamid.die-after'));
    expect(first.answer.kind).toBe('died');
    const [sent] = h.graph.accepted;
    expect(await h.record('wamid.die-after')).toMatchObject({ state: 'claimed', attempt: 1 });

    const status = await h.deliver(
      statusWebhook(PHONE_NUMBER_ID, {
        id: sent?.outboundId ?? '',
        status: 'sent',
        callbackData: sent?.request.callbackData,
      }),
    );
    expect(status.answer).toMatchObject({ kind: 'answered', statusCode: 200 });

    await pastTheLease();
    const redelivery = await h.deliver(one('wamid.die-after'));
    expect(redelivery.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(h.graph.requests).toHaveLength(1);
    expect(await h.record('wamid.die-after')).toMatchObject({ state: 'done', attempt: 1 });
  });
});

describe.concurrent('a zombie that resumes after its claim was taken over', () => {
  it('whose claim answer comes back late sends nothing and cannot overwrite the new owner', async ({
    expect,
    onTestFinished,
  }) => {
    const resume = deferred();
    const h = await start(onTestFinished, {
      dynamo: (call) =>
        call.operation === 'claim' && call.attempt === 1 && call.pk === pk('wamid.zombie-claim')
          ? { kind: 'pause', until: () => resume.promise }
          : undefined,
    });
    // The claim was written but its answer is held: middy answers 500 at the deadline, work pending.
    const zombie = await h.deliver(one('wamid.zombie-claim'));
    expect(zombie.answer).toMatchObject({ kind: 'answered', statusCode: 500 });

    await sleep(350);
    const takeover = await h.deliver(one('wamid.zombie-claim'));
    expect(takeover.answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(await h.record('wamid.zombie-claim')).toMatchObject({ state: 'done', attempt: 2 });

    resume.resolve();
    await zombie.finished;
    expect(h.graph.requests).toHaveLength(1);
    expect(await h.record('wamid.zombie-claim')).toMatchObject({ state: 'done', attempt: 2 });
  });

  it('that stalled between its claim and its send does not send when it wakes', async ({
    expect,
    onTestFinished,
  }) => {
    const resume = deferred();
    let stalls = 0;
    const h = await start(onTestFinished, {
      bot: () => (stalls++ === 0 ? { kind: 'stall', until: () => resume.promise } : undefined),
    });
    const zombie = await h.deliver(one('wamid.zombie-bot'));
    expect(zombie.answer).toMatchObject({ kind: 'answered', statusCode: 500 });

    await sleep(350);
    const takeover = await h.deliver(one('wamid.zombie-bot'));
    expect(takeover.answer).toMatchObject({ kind: 'answered', statusCode: 200 });

    resume.resolve();
    await zombie.finished;
    expect(h.graph.requests).toHaveLength(1);
    expect(await h.record('wamid.zombie-bot')).toMatchObject({ state: 'done', attempt: 2 });
  });

  it('whose Graph request was stuck before leaving gives it up at its timeout: it never leaves late', async ({
    expect,
    onTestFinished,
  }) => {
    const resume = deferred();
    const h = await start(onTestFinished, {
      fetch: (call) =>
        call.attempt === 1 ? { kind: 'stall-before-send', until: () => resume.promise } : undefined,
    });
    const first = await h.deliver(one('wamid.stuck-send'));
    expect(first.answer).toMatchObject({ kind: 'answered', statusCode: 503 });
    expect(await h.record('wamid.stuck-send')).toMatchObject({ state: 'unknown', attempt: 1 });

    resume.resolve();
    await sleep(100);
    expect(h.graph.requests).toHaveLength(0);
  });
});
