import { describe, expect, it } from 'vitest';
import type { LocalBot } from '../../../../local/example-bot';
import { UsageError } from '../../../../local/options';
import { parseSimulateOptions, resolveTarget } from '../../../../local/simulator/options';
import { runScenarios } from '../../../../local/simulator/run-scenarios';
import { SCENARIOS } from '../../../../local/simulator/scenarios';
import { Simulation } from '../../../../local/simulator/simulation';

// Nothing listens on port 9: a scenario that ran would fail on the wire, so a pass here means skipped.
const simulationFor = (bot: LocalBot | undefined) =>
  new Simulation({
    webhookUrl: 'http://127.0.0.1:9/webhook',
    appSecret: 'secret',
    verifyToken: undefined,
    sinkUrl: undefined,
    phoneNumberId: '106540352242922',
    from: '16505551234',
    bot,
  });

describe('scenarios written for one bot', () => {
  it('registers one example-bot scenario per reply kind and the Rasa shape, each naming its bot', () => {
    const byBot = (bot: LocalBot) =>
      SCENARIOS.filter((scenario) => scenario.bot === bot).map(({ name }) => name);

    expect(byBot('example')).toEqual([
      'ex-text',
      'ex-buttons',
      'ex-list',
      'ex-media',
      'ex-location',
      'ex-reaction',
      'ex-template',
      'ex-two-parts',
      'ex-taps',
      'ex-stale',
    ]);
    expect(byBot('example-rasa')).toEqual(['rasa-text', 'rasa-buttons', 'rasa-tap', 'rasa-image']);
    expect(byBot('default')).toEqual(['stale', 'window-closed', 'button-reply', 'menu', 'crash-parts']);
  });

  it.each([
    ['example', 'menu', 'for the default bot (this server runs example): start the server without --bot'],
    ['example', 'rasa-tap', 'for the example-rasa bot: start the server with --bot example-rasa'],
    ['other', 'ex-text', 'for the example bot: start the server with --bot example'],
    [undefined, 'ex-template', 'for the example bot: start the server with --bot example'],
  ] as const)('against the %s bot, skips %s without sending anything', async (bot, name, reason) => {
    const sim = simulationFor(bot);
    const [result] = await runScenarios(sim, [name], { delayMs: 0 });

    expect(result).toMatchObject({ name, skipped: reason, problems: [] });
    expect(sim.record.attempts).toEqual([]);
    expect(sim.record.messageIds).toEqual([]);
  });
});

describe('npm run simulate -- --bot', () => {
  it('names the bot behind a webhook the simulator has no session for', async () => {
    const options = parseSimulateOptions(['--url', 'https://example.com/webhook', '--bot', 'example-rasa']);

    expect((await resolveTarget(options, { WHATSAPP_APP_SECRET: 's' })).bot).toBe('example-rasa');
    expect(
      (
        await resolveTarget(parseSimulateOptions(['--url', 'https://example.com/webhook']), {
          WHATSAPP_APP_SECRET: 's',
        })
      ).bot,
    ).toBeUndefined();
  });

  it('refuses a bot it does not know', () => {
    expect(() => parseSimulateOptions(['--bot', 'rasa'])).toThrow(UsageError);
    expect(() => parseSimulateOptions(['--bot', 'rasa'])).toThrow(
      /--bot must be one of default, example, example-rasa, other/,
    );
  });
});
