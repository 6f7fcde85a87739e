import { sleep } from '../../devkit/sleep';
import { expectStatus, type ScenarioOutcome } from './scenario';
import type { Message, Simulation } from './simulation';
import { QUEUED_WAIT, readSink, repliesTo, type SeenReply } from './sink-reader';

/** One Graph message an answer must hold: its `type`, and its text or detail when they matter. */
export interface ExpectedPart {
  kind: string;
  text?: string;
  /** local/graph-sink.ts `SinkReply.detail`: `button: yes, no`, a media link, `hello_world en_US`... */
  detail?: string;
}

/** A tapped reply button or list row, in Meta's `interactive.button_reply` / `list_reply` shape. */
export function tap(
  sim: Simulation,
  label: string,
  kind: 'button_reply' | 'list_reply',
  id: string,
  title: string,
): Message {
  const message = sim.message(label, title);
  return { ...message, type: 'interactive', extra: { interactive: { type: kind, [kind]: { id, title } } } };
}

/**
 * The replies to `id` once `parts` of them are in (or the wait is over), then after a settling pause
 * in which a duplicate would show: queued, the parts come from the worker after the 200.
 */
async function partsOf(sim: Simulation, id: string, parts: number): Promise<SeenReply[] | undefined> {
  const queued = sim.target.replyMode === 'queued';
  const deadline = Date.now() + (queued ? QUEUED_WAIT.timeoutMs : 5_000);
  for (;;) {
    const seen = await readSink(sim.target.sinkUrl, sim.prefix);
    if (seen === undefined) return undefined;
    if (repliesTo(seen, id).length >= parts || Date.now() > deadline) break;
    await sleep(QUEUED_WAIT.pollMs);
  }
  if (queued) await sleep(QUEUED_WAIT.settleMs);
  return repliesTo((await readSink(sim.target.sinkUrl, sim.prefix)) ?? [], id);
}

/**
 * Delivers a message as Meta may: twice at the same instant, then once more after the answer is in.
 * The answer must be exactly `expected`, one Graph message per part, in order (a part sent twice is
 * also counted as a duplicate reply by run-scenarios).
 */
export async function expectAnswer(
  sim: Simulation,
  message: Message,
  expected: ExpectedPart[],
  sentAgoSeconds = 0,
): Promise<ScenarioOutcome> {
  const body = sentAgoSeconds > 0 ? sim.bodySentAgo(sentAgoSeconds, message) : sim.body(message);
  const [one, two] = await Promise.all([
    sim.client.deliver(body, [message.id]),
    sim.client.deliver(body, [message.id]),
  ]);
  await partsOf(sim, message.id, expected.length);
  const late = await sim.client.deliver(body, [message.id]);
  const problems = [
    ...expectStatus('copy 1', one, 200),
    ...expectStatus('copy 2', two, 200),
    ...expectStatus('copy after the answer', late, 200),
  ];
  const seen = await partsOf(sim, message.id, expected.length);
  if (seen !== undefined && !matches(seen, expected)) {
    problems.push(`expected the answer ${describe(expected)} to ${message.id}; saw ${describe(seen)}`);
  }
  return { problems };
}

/** Runs several messages' checks one after another and joins their problems. */
export async function expectAnswers(checks: (() => Promise<ScenarioOutcome>)[]): Promise<ScenarioOutcome> {
  const problems: string[] = [];
  for (const check of checks) problems.push(...(await check()).problems);
  return { problems };
}

function matches(seen: SeenReply[], expected: ExpectedPart[]): boolean {
  return (
    seen.length === expected.length &&
    expected.every((want, index) => {
      const got = seen[index];
      return (
        got !== undefined &&
        got.part === index &&
        got.kind === want.kind &&
        (want.text === undefined || got.text === want.text) &&
        (want.detail === undefined || got.detail === want.detail)
      );
    })
  );
}

const describe = (parts: readonly (ExpectedPart | SeenReply)[]): string =>
  `[${parts.map((part) => [part.kind, part.text, part.detail].filter(Boolean).join(' ')).join(' | ')}]`;
