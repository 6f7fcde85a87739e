import { EXAMPLE_PHOTO } from './example-bot-scenarios';
import { expectAnswer, tap } from './expected-answer';
import type { Scenario } from './scenario';

// The same bot in Rasa's REST shape (`--bot example-rasa`): what lambda/bots/rasa-bot.ts maps.
export const EXAMPLE_RASA_SCENARIOS: Scenario[] = [
  {
    name: 'rasa-text',
    title: 'Rasa shape: a text answer',
    bot: 'example-rasa',
    run: (sim) =>
      expectAnswer(sim, sim.message('rasa-text', 'hello'), [{ kind: 'text', text: 'You said: hello' }]),
  },
  {
    name: 'rasa-buttons',
    title: 'Rasa shape: buttons whose ids are the payloads',
    bot: 'example-rasa',
    run: (sim) =>
      expectAnswer(sim, sim.message('rasa-buttons', 'buttons'), [
        { kind: 'interactive', text: 'Pick one', detail: 'button: /yes, /no' },
      ]),
  },
  {
    name: 'rasa-tap',
    title: 'Rasa shape: a tap goes back to Rasa as its payload',
    bot: 'example-rasa',
    run: (sim) =>
      expectAnswer(sim, tap(sim, 'rasa-tap', 'button_reply', '/yes', 'Yes'), [
        { kind: 'text', text: 'You chose /yes' },
      ]),
  },
  {
    name: 'rasa-image',
    title: 'Rasa shape: an image answer, sent by link',
    bot: 'example-rasa',
    run: (sim) =>
      expectAnswer(sim, sim.message('rasa-image', 'photo'), [{ kind: 'image', detail: EXAMPLE_PHOTO }]),
  },
];
