import { describe, expect, it } from 'vitest';
import { invokeInProcess } from '../../../../devkit/lambda-host/in-process';
import { throughPort } from '../../../../devkit/lambda-host/invocation-scope';
import { sleep } from '../../../../devkit/sleep';

/** A handler that answers at once and leaves work behind that reaches a port after its deadline. */
function answersThenWorksLate(reached: { port: boolean }) {
  return async () => {
    void (async () => {
      await sleep(150);
      await throughPort(async () => {
        reached.port = true;
      });
    })();
    return 'answered';
  };
}

describe('the in-process host at the deadline', () => {
  it('freezes work left behind by an early answer, as Lambda does, when asked to', async () => {
    const reached = { port: false };
    const run = await invokeInProcess(answersThenWorksLate(reached), {}, 100, { freezeAtDeadline: true });
    expect(run.outcome).toEqual({ kind: 'returned', result: 'answered' });
    await sleep(300);
    expect(reached.port).toBe(false);
    expect(run.invocation.stopped).toBe(true);
  });

  it('lets that work run on by default (tests that script exact fault sequences)', async () => {
    const reached = { port: false };
    const run = await invokeInProcess(answersThenWorksLate(reached), {}, 100);
    await sleep(300);
    expect(reached.port).toBe(true);
    expect(run.invocation.stopped).toBe(false);
  });

  it('spares a zombie: it outlives its deadline on purpose', async () => {
    const reached = { port: false };
    const run = await invokeInProcess(answersThenWorksLate(reached), {}, 100, { freezeAtDeadline: true });
    run.invocation.zombie = true;
    await sleep(300);
    expect(reached.port).toBe(true);
  });
});
