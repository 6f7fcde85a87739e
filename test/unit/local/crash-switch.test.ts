import { afterEach, describe, expect, it, vi } from 'vitest';
import { Invocation, runInInvocation } from '../../../devkit/lambda-host/invocation-scope';
import { sleep } from '../../../devkit/sleep';
import { type CrashSwitch, installCrashSwitch, parseCrashOrder } from '../../../local/crash-switch';
import { muteStoppedInvocations, runHosted } from '../../../local/hosted-invocation';

const GRAPH = 'http://127.0.0.1:9/v23.0/106540352242922/messages';

/** The Graph request for part `index` of a two-part answer to wamid.X, as the reply sender makes it. */
const part = (index: number, attempt: number): RequestInit => ({
  method: 'POST',
  body: JSON.stringify({
    messaging_product: 'whatsapp',
    to: '16505551234',
    type: 'text',
    text: { body: `part ${index}` },
    biz_opaque_callback_data: `wo2|${attempt}|${index}|2|106540352242922|wamid.X`,
  }),
});

describe('the crash switch', () => {
  let crashes: CrashSwitch | undefined;
  const graph = vi.fn(async (_url: unknown, _init?: RequestInit) =>
    Response.json({ messages: [{ id: 'out' }] }),
  );
  const printed: string[] = [];

  const install = () => {
    vi.stubGlobal('fetch', graph);
    crashes = installCrashSwitch((line) => printed.push(line));
    return crashes;
  };

  afterEach(() => {
    crashes?.uninstall();
    vi.unstubAllGlobals();
    graph.mockClear();
    printed.length = 0;
  });

  it('kills the invocation about to send the armed part: its request never leaves, no later line runs', async () => {
    install().arm({ inReplyTo: 'wamid.X', beforePart: 1 });
    const after = { partSent: false };

    const run = await runHosted(async () => {
      await fetch(GRAPH, part(0, 1));
      await fetch(GRAPH, part(1, 1));
      after.partSent = true;
      return 'finished';
    });
    await sleep(50);

    expect(run).toEqual({ kind: 'died' });
    expect(after.partSent).toBe(false);
    expect(graph.mock.calls.map(([, init]) => JSON.parse(String(init?.body)).text.body)).toEqual(['part 0']);
    expect(crashes?.fired()).toMatchObject([{ inReplyTo: 'wamid.X', beforePart: 1, attempt: 1 }]);
    expect(printed).toEqual([
      '!! crash switch: the invocation about to send part 1 of the answer to wamid.X (attempt 1) died',
    ]);
  });

  it('fires once: the next owner sends that part', async () => {
    install().arm({ inReplyTo: 'wamid.X', beforePart: 1 });
    await runHosted(() => fetch(GRAPH, part(1, 1)));

    const takeover = await runHosted(async () => (await fetch(GRAPH, part(1, 2))).status);

    expect(takeover).toEqual({ kind: 'returned', result: 200 });
    expect(crashes?.armed()).toEqual([]);
    expect(graph).toHaveBeenCalledOnce();
  });

  it('never returns a request the dead invocation had in flight', async () => {
    install().arm({ inReplyTo: 'wamid.X', beforePart: 1 });
    graph.mockImplementationOnce(async () => {
      await sleep(50);
      return Response.json({});
    });
    const returned = { other: false };

    await runHosted(async () => {
      const other = fetch('http://127.0.0.1:9/bot', { method: 'POST', body: '{}' }).then(() => {
        returned.other = true;
      });
      await fetch(GRAPH, part(1, 1));
      await other;
    });
    await sleep(150);

    expect(graph).toHaveBeenCalledOnce();
    expect(returned.other).toBe(false);
  });

  it('holds nothing outside an invocation, and leaves other messages and parts alone', async () => {
    install().arm({ inReplyTo: 'wamid.X', beforePart: 1 });

    await fetch(GRAPH, part(1, 1));
    const otherPart = await runHosted(async () => (await fetch(GRAPH, part(0, 1))).status);

    expect(otherPart).toEqual({ kind: 'returned', result: 200 });
    expect(graph).toHaveBeenCalledTimes(2);
    expect(crashes?.armed()).toEqual([{ inReplyTo: 'wamid.X', beforePart: 1 }]);
  });

  it('puts the original fetch back when uninstalled', () => {
    install().uninstall();
    expect(globalThis.fetch).toBe(graph);
  });
});

describe('muteStoppedInvocations', () => {
  it('drops what a dead invocation writes and passes everything else', async () => {
    const written: string[] = [];
    const stream = {
      write: (chunk: string) => written.push(chunk) > 0,
    } as unknown as NodeJS.WriteStream;
    const undo = muteStoppedInvocations(stream);
    const dead = new Invocation(1);
    dead.die();

    await runInInvocation(dead, async () => stream.write('Unhandled error\n'));
    await runInInvocation(new Invocation(2), async () => stream.write('live\n'));
    stream.write('server\n');
    undo();

    expect(written).toEqual(['live\n', 'server\n']);
  });
});

describe('parseCrashOrder', () => {
  it('reads a wamid and a part index', () => {
    expect(parseCrashOrder({ inReplyTo: 'wamid.X', beforePart: 1 })).toEqual({
      inReplyTo: 'wamid.X',
      beforePart: 1,
    });
  });

  it.each([
    ['null', null, /JSON object/],
    ['an array', ['wamid.X', 1], /JSON object/],
    ['no wamid', { beforePart: 1 }, /inReplyTo must be/],
    ['a blank wamid', { inReplyTo: ' ', beforePart: 1 }, /inReplyTo must be/],
    ['a wamid of 513 characters', { inReplyTo: 'w'.repeat(513), beforePart: 1 }, /inReplyTo must be/],
    ['no part', { inReplyTo: 'wamid.X' }, /beforePart must be/],
    ['a part as a string', { inReplyTo: 'wamid.X', beforePart: '1' }, /beforePart must be/],
    ['a fractional part', { inReplyTo: 'wamid.X', beforePart: 1.5 }, /beforePart must be/],
    ['a negative part', { inReplyTo: 'wamid.X', beforePart: -1 }, /beforePart must be/],
    ['part 100', { inReplyTo: 'wamid.X', beforePart: 100 }, /beforePart must be/],
    ['an unknown field', { inReplyTo: 'wamid.X', beforePart: 1, after: 'send' }, /unknown field "after"/],
  ])('refuses %s', (_what, body, problem) => {
    expect(parseCrashOrder(body)).toMatch(problem);
  });
});
