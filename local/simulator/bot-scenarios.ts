import { sleep } from '../../devkit/sleep';
import { choiceText, MENU_INTRO, STALE_APOLOGY } from '../../lambda/bots/default-bot';
import { expectStatus, type Scenario } from './scenario';
import type { Message, Simulation } from './simulation';
import { awaitReplies, QUEUED_WAIT, readSink, repliesTo, type SeenReply } from './sink-reader';

// The bot platform's scenarios (issue #13), against the default bot: how old a message is, a tapped
// button, an answer in two parts. Ages assume STALE_AFTER_SECONDS at its default (3600).
const STALE_AGE_SECONDS = 2 * 3_600;
const PAST_WINDOW_SECONDS = 25 * 3_600;

/** A tap on a reply button, in Meta's `interactive.button_reply` shape. */
function buttonReply(sim: Simulation, label: string, id: string, title: string): Message {
  const message = sim.message(label, title);
  return {
    ...message,
    type: 'interactive',
    extra: { interactive: { type: 'button_reply', button_reply: { id, title } } },
  };
}

/**
 * The replies to `id` once `parts` of them are in (or the wait is over), then after a settling pause
 * in which a duplicate would show: queued, the parts come from the worker after the 200.
 */
export async function partsOf(sim: Simulation, id: string, parts: number): Promise<SeenReply[] | undefined> {
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

export const BOT_SCENARIOS: Scenario[] = [
  {
    name: 'stale',
    bot: 'default',
    title: 'a message 2 h old: one reply, with an apology',
    async run(sim) {
      const message = sim.message('stale', 'test');
      const attempts = await sim.client.deliver(sim.bodySentAgo(STALE_AGE_SECONDS, message), [message.id]);
      return {
        problems: expectStatus('delivery', attempts, 200),
        expectedTexts: new Map([[message.id, `${STALE_APOLOGY}test is working`]]),
      };
    },
  },
  {
    name: 'window-closed',
    bot: 'default',
    title: 'a message 25 h old (window closed): 200, no reply',
    async run(sim) {
      const old = sim.message('window-closed', 'hi', false);
      const body = sim.bodySentAgo(PAST_WINDOW_SECONDS, old);
      const first = await sim.client.deliver(body, [old.id]);
      const again = await sim.client.deliver(body, [old.id]);
      // A fresh message after it: once its reply is in, a reply to the old one would have come too.
      const fresh = sim.message('window-closed', 'test');
      const control = await sim.client.deliver(sim.body(fresh), [fresh.id]);
      if (sim.target.replyMode === 'queued') await awaitReplies(sim.target.sinkUrl, sim.prefix, [fresh.id]);
      return {
        problems: [
          ...expectStatus('old message', first, 200),
          ...expectStatus('old message again', again, 200),
          ...expectStatus('fresh message', control, 200),
        ],
        expectedTexts: new Map([[fresh.id, 'test is working']]),
      };
    },
  },
  {
    name: 'button-reply',
    bot: 'default',
    title: 'a tapped reply button (twice): one reply naming it',
    async run(sim) {
      const tap = buttonReply(sim, 'button-reply', 'hours', 'Opening hours');
      const body = sim.body(tap);
      const [one, two] = await Promise.all([
        sim.client.deliver(body, [tap.id]),
        sim.client.deliver(body, [tap.id]),
      ]);
      return {
        problems: [...expectStatus('copy 1', one, 200), ...expectStatus('copy 2', two, 200)],
        expectedTexts: new Map([[tap.id, choiceText('hours', 'Opening hours')]]),
      };
    },
  },
  {
    name: 'menu',
    bot: 'default',
    title: '"Menu" with copies: 2 parts (text, buttons), each once',
    async run(sim) {
      const message = sim.message('menu', 'Menu');
      const body = sim.body(message);
      const [one, two] = await Promise.all([
        sim.client.deliver(body, [message.id]),
        sim.client.deliver(body, [message.id]),
      ]);
      await partsOf(sim, message.id, 2);
      const late = await sim.client.deliver(body, [message.id]);
      const problems = [
        ...expectStatus('copy 1', one, 200),
        ...expectStatus('copy 2', two, 200),
        ...expectStatus('copy after the answer', late, 200),
      ];
      const seen = await partsOf(sim, message.id, 2);
      if (seen === undefined) return { problems };
      const got = seen.map((reply) => `${reply.part}:${reply.kind}`).join(', ');
      if (got !== '0:text, 1:interactive' || seen[0]?.text !== MENU_INTRO) {
        problems.push(
          `expected exactly two Graph messages, part 0 "${MENU_INTRO}" then part 1 the buttons; saw [${got}]`,
        );
      }
      return { problems };
    },
  },
];
