import { choiceText, MENU_INTRO, STALE_APOLOGY } from '../../lambda/bots/default-bot';
import { expectAnswer, tap as tapOn } from './expected-answer';
import { expectStatus, PAST_WINDOW_SECONDS, type Scenario, STALE_AGE_SECONDS } from './scenario';
import { awaitReplies } from './sink-reader';

// The bot platform's scenarios (issue #13), against the default bot: how old a message is, a tapped
// button, an answer in two parts. Ages assume STALE_AFTER_SECONDS at its default (3600).

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
      const tap = tapOn(sim, 'button-reply', 'button_reply', 'hours', 'Opening hours');
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
    run: (sim) =>
      expectAnswer(sim, sim.message('menu', 'Menu'), [
        { kind: 'text', text: MENU_INTRO },
        { kind: 'interactive' },
      ]),
  },
];
