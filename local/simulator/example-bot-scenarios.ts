import { expectAnswer, expectAnswers, tap } from './expected-answer';
import { PAST_WINDOW_SECONDS, type Scenario, STALE_AGE_SECONDS } from './scenario';

// The example bot (examples/python-bot/bot.py, `npm start -- --bot example`): one scenario per reply
// kind, each message delivered with copies, each part checked at the Graph sink by its `type`.
// Keywords and answers are the bot's (its README); a change there is a change here.

export const EXAMPLE_PHOTO = 'https://www.example.com/whatsapp-once/photo.jpg';

export const EXAMPLE_BOT_SCENARIOS: Scenario[] = [
  {
    name: 'ex-text',
    title: 'example bot: any text, echoed as one text',
    bot: 'example',
    run: (sim) =>
      expectAnswer(sim, sim.message('ex-text', 'Good morning'), [
        { kind: 'text', text: 'You said: Good morning' },
      ]),
  },
  {
    name: 'ex-buttons',
    title: 'example bot: "buttons" gets reply buttons',
    bot: 'example',
    run: (sim) =>
      expectAnswer(sim, sim.message('ex-buttons', 'buttons'), [
        { kind: 'interactive', text: 'Pick one', detail: 'button: yes, no' },
      ]),
  },
  {
    name: 'ex-list',
    title: 'example bot: "list" gets a list message',
    bot: 'example',
    run: (sim) =>
      expectAnswer(sim, sim.message('ex-list', 'list'), [
        { kind: 'interactive', text: 'Which day suits you?', detail: 'list: mon, tue, wed' },
      ]),
  },
  {
    name: 'ex-media',
    title: 'example bot: "photo" gets an image by link',
    bot: 'example',
    run: (sim) =>
      expectAnswer(sim, sim.message('ex-media', 'photo'), [{ kind: 'image', detail: EXAMPLE_PHOTO }]),
  },
  {
    name: 'ex-location',
    title: 'example bot: "location" gets a location',
    bot: 'example',
    run: (sim) =>
      expectAnswer(sim, sim.message('ex-location', 'location'), [
        { kind: 'location', detail: '37.4847,-122.1477' },
      ]),
  },
  {
    name: 'ex-reaction',
    title: 'example bot: "react" gets a reaction to the message',
    bot: 'example',
    run: (sim) =>
      expectAnswer(sim, sim.message('ex-reaction', 'react'), [{ kind: 'reaction', detail: '👍' }]),
  },
  {
    name: 'ex-template',
    title: 'example bot: 25 h old (window closed): a template',
    bot: 'example',
    run: (sim) =>
      expectAnswer(
        sim,
        sim.message('ex-template', 'hello'),
        [{ kind: 'template', detail: 'hello_world en_US' }],
        PAST_WINDOW_SECONDS,
      ),
  },
  {
    name: 'ex-two-parts',
    title: 'example bot: "two" gets two texts, each once, in order',
    bot: 'example',
    run: (sim) =>
      expectAnswer(sim, sim.message('ex-two-parts', 'two'), [
        { kind: 'text', text: 'This answer has two parts: one,' },
        { kind: 'text', text: 'and two.' },
      ]),
  },
  {
    name: 'ex-taps',
    title: 'example bot: a button tap and a list tap, by id',
    bot: 'example',
    run: (sim) =>
      expectAnswers([
        () =>
          expectAnswer(sim, tap(sim, 'ex-taps', 'button_reply', 'yes', 'Yes'), [
            { kind: 'text', text: 'You chose yes' },
          ]),
        () =>
          expectAnswer(sim, tap(sim, 'ex-taps', 'list_reply', 'tue', 'Tuesday'), [
            { kind: 'text', text: 'You chose tue' },
          ]),
      ]),
  },
  {
    name: 'ex-stale',
    title: 'example bot: 2 h old: the text starts with an apology',
    bot: 'example',
    run: (sim) =>
      expectAnswer(
        sim,
        sim.message('ex-stale', 'hello'),
        [{ kind: 'text', text: 'Sorry for the wait. You said: hello' }],
        STALE_AGE_SECONDS,
      ),
  },
];
