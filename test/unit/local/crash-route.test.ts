import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CRASH_PATH, serveCrashSwitch } from '../../../local/crash-route';
import type { CrashSwitch } from '../../../local/crash-switch';
import { type Listening, listenOnLoopback } from '../../../local/http-server';

const errorOf = async (response: Response): Promise<unknown> =>
  Reflect.get((await response.json()) as object, 'error');

describe('POST /__faults/crash', () => {
  let server: Listening | undefined;
  let url = '';
  const crashSwitch = {
    arm: vi.fn(),
    armed: () => [{ inReplyTo: 'wamid.X', beforePart: 1 }],
    fired: () => [],
    uninstall: () => {},
  } satisfies CrashSwitch;

  const start = async (target: CrashSwitch | undefined) => {
    server = await listenOnLoopback(
      0,
      (req, res) => serveCrashSwitch(req, res, target),
      () => {},
    );
    url = `http://127.0.0.1:${server.port}${CRASH_PATH}`;
  };
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  beforeEach(() => start(crashSwitch));
  afterEach(async () => {
    await server?.close(0);
    crashSwitch.arm.mockClear();
  });

  it('arms the switch with a valid order and answers 202', async () => {
    const response = await post('{"inReplyTo":"wamid.X","beforePart":1}');

    expect(response.status).toBe(202);
    expect(crashSwitch.arm).toHaveBeenCalledWith({ inReplyTo: 'wamid.X', beforePart: 1 });
  });

  it('shows the armed and fired crashes on GET', async () => {
    const response = await fetch(url);

    expect(await response.json()).toEqual({ armed: [{ inReplyTo: 'wamid.X', beforePart: 1 }], fired: [] });
  });

  it.each([
    ['not JSON', 'beforePart=1', /not JSON/],
    ['no wamid', '{"beforePart":1}', /inReplyTo must be/],
    ['a part that is not an index', '{"inReplyTo":"wamid.X","beforePart":"second"}', /beforePart must be/],
  ])('answers 400 to %s, arming nothing', async (_what, body, problem) => {
    const response = await post(body);

    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(problem);
    expect(crashSwitch.arm).not.toHaveBeenCalled();
  });

  it.each([
    ['x-forwarded-for', '203.0.113.7'],
    ['forwarded', 'for=203.0.113.7'],
  ])('refuses a request that came through a proxy or tunnel (%s) with 403', async (header, value) => {
    const response = await post('{"inReplyTo":"wamid.X","beforePart":1}', { [header]: value });

    expect(response.status).toBe(403);
    expect(crashSwitch.arm).not.toHaveBeenCalled();
  });

  it('answers 413 to a body too large to be an order', async () => {
    const response = await post(JSON.stringify({ inReplyTo: 'w'.repeat(5_000), beforePart: 1 }));

    expect(response.status).toBe(413);
  });

  it('answers 405 to other methods', async () => {
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(405);
  });

  it('answers 404 when the server has no switch (--graph real)', async () => {
    await server?.close(0);
    await start(undefined);

    const response = await post('{"inReplyTo":"wamid.X","beforePart":1}');

    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatch(/--graph real/);
  });
});
