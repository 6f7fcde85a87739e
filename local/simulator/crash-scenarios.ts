import { META_DEFAULTS } from '../../devkit/meta/delivery-policy';
import { sleep } from '../../devkit/sleep';
import { MENU_INTRO } from '../../lambda/bots/default-bot';
import { isRecord } from '../../lambda/json-object';
import { DEFAULT_REDELIVERY, type Redelivery } from './meta-client';
import { expectStatus, type Scenario } from './scenario';
import type { SimulationTarget } from './simulation';
import { QUEUED_WAIT, readSink, repliesTo, type SeenReply } from './sink-reader';

// Scenarios that need the local server's crash switch (`POST /__faults/crash`, local/crash-route.ts).
const CRASH_PATH = '/__faults/crash';

/**
 * Meta keeps redelivering for days; this one delivery must outlast the dead owner's lease (the
 * server's `--timeout` minus 2 s, plus a 3 s grace) at the default 3 s cap between tries. Meta's own
 * try count (40) covers a `--timeout` up to about 90 s.
 */
const UNTIL_TAKEOVER: Redelivery = { ...DEFAULT_REDELIVERY, maxAttempts: META_DEFAULTS.maxTries };

/** The switch of the server whose sink we read; undefined when there is no sink (`--graph real`). */
const switchUrl = (target: SimulationTarget): string | undefined =>
  target.sinkUrl === undefined ? undefined : new URL(CRASH_PATH, target.sinkUrl).href;

async function crashSwitch(url: string, order?: { inReplyTo: string; beforePart: number }) {
  const response = await fetch(url, {
    method: order ? 'POST' : 'GET',
    ...(order ? { body: JSON.stringify(order), headers: { 'content-type': 'application/json' } } : {}),
    signal: AbortSignal.timeout(5_000),
  }).catch(() => undefined);
  const body: unknown = await response?.json().catch(() => undefined);
  return { status: response?.status, body };
}

/** The attempt of the owner that died at the switch before sending part `beforePart` to `id`. */
async function firedAttempt(url: string, id: string): Promise<number | undefined> {
  const { body } = await crashSwitch(url);
  const fired = isRecord(body) && Array.isArray(body.fired) ? body.fired : [];
  const crash: unknown = fired.find((entry) => isRecord(entry) && entry.inReplyTo === id);
  return isRecord(crash) && typeof crash.attempt === 'number' ? crash.attempt : undefined;
}

/** The replies to `id` once its part `lastPart` is in (queued: from the worker, after the 200). */
async function completeAnswer(target: SimulationTarget, prefix: string, id: string, lastPart: number) {
  const deadline = Date.now() + QUEUED_WAIT.timeoutMs;
  for (;;) {
    const seen = repliesTo((await readSink(target.sinkUrl, prefix)) ?? [], id);
    if (seen.some((reply) => reply.part === lastPart) || Date.now() > deadline) break;
    await sleep(QUEUED_WAIT.pollMs);
  }
  // A second copy of a part would come after the first: one settling pause, as for every queued reply.
  await sleep(QUEUED_WAIT.settleMs);
  return repliesTo((await readSink(target.sinkUrl, prefix)) ?? [], id);
}

/** Part 0 once by the owner that died, part 1 once by a later one, in order, the stored answer kept. */
export function resumedOnce(replies: SeenReply[], diedAttempt: number): string[] {
  const got = replies.map((reply) => `${reply.part}:${reply.kind}@${reply.attempt ?? '?'}`).join(', ');
  const [first, second, ...more] = replies;
  const ok =
    more.length === 0 &&
    first?.part === 0 &&
    first.attempt === diedAttempt &&
    first.kind === 'text' &&
    first.text === MENU_INTRO &&
    second?.part === 1 &&
    second.kind === 'interactive' &&
    (second.attempt ?? 0) > diedAttempt;
  return ok
    ? []
    : [
        `expected part 0 "${MENU_INTRO}" by attempt ${diedAttempt}, then part 1 (the buttons) once by a later attempt; saw [${got}]`,
      ];
}

export const CRASH_SCENARIOS: Scenario[] = [
  {
    name: 'crash-parts',
    title: '"Menu", a crash before part 2: resumed, each part once',
    // The default bot's two-part answer to "Menu" is what gets crashed between its parts.
    bot: 'default',
    async run(sim) {
      const url = switchUrl(sim.target);
      if (url === undefined)
        return { problems: [], skipped: 'needs the local Graph sink and its crash switch' };
      if ((await crashSwitch(url)).status !== 200) {
        return { problems: [], skipped: `no crash switch at ${url} (--graph real, or an older server)` };
      }
      const message = sim.message('crash-parts', 'Menu');
      const armed = await crashSwitch(url, { inReplyTo: message.id, beforePart: 1 });
      if (armed.status !== 202) return { problems: [`arming the crash switch answered ${armed.status}`] };
      const attempts = await sim.client.deliver(sim.body(message), [message.id], UNTIL_TAKEOVER);
      const replies = await completeAnswer(sim.target, sim.prefix, message.id, 1);
      // The first owner: inline the webhook's claim (attempt 1); queued the worker's lease, which
      // takes attempt 2 over the webhook's enqueue. It must be the one that died.
      const queued = sim.target.replyMode === 'queued';
      const firstOwner = queued ? 2 : 1;
      const problems = [...expectStatus('last delivery', attempts, 200), ...resumedOnce(replies, firstOwner)];
      // Inline, the crash is the webhook's own invocation: API Gateway's 502, then Meta's redeliveries.
      if (!queued && attempts[0]?.status !== 502) {
        problems.push(`the crashed delivery: expected 502, got ${attempts[0]?.status}`);
      }
      const died = await firedAttempt(url, message.id);
      if (died !== firstOwner) {
        problems.push(`the crash switch did not stop attempt ${firstOwner} (fired: ${died ?? 'never'})`);
      }
      return { problems };
    },
  },
];
