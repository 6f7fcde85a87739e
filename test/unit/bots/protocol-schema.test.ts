import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { botRequest } from '../../../lambda/bots/bot-request';
import { BOT_PROTOCOL_SCHEMA } from '../../../lambda/bots/protocol-schema';
import { botResponseValidator } from '../../../lambda/bots/protocol-validation';
import { botContext } from '../../../lambda/domain/bot-context';
import { message } from '../domain/use-case-fixture';

describe('the bot protocol schema', () => {
  it('is published unchanged in docs/bot-protocol.schema.json', () => {
    expect(JSON.parse(readFileSync('docs/bot-protocol.schema.json', 'utf8'))).toEqual(BOT_PROTOCOL_SCHEMA);
  });

  it('accepts the request the function sends, so a bot validating it never rejects ours', async () => {
    const { Ajv } = await import('ajv');
    const ajv = new Ajv({ strict: true, strictRequired: false, discriminator: true });
    ajv.addSchema(BOT_PROTOCOL_SCHEMA, 'protocol');
    const isRequest = ajv.getSchema('protocol#/definitions/request');
    const inbound = message('wamid.S', {
      content: { type: 'location', location: { latitude: 1.5, longitude: 2, name: 'Here' } },
      user: { userId: 'US.1', username: '@u' },
      referral: { sourceType: 'ad', ctwaClid: 'c' },
      timestamp: 1_800_000_000,
    });
    expect(isRequest?.(botRequest(inbound, botContext(inbound, 1_800_000_100_000)))).toBe(true);
  });

  it('accepts every reply kind of docs/BOT.md and refuses a fourth button', async () => {
    const isResponse = await botResponseValidator();
    const replies = [
      { kind: 'text', body: 'Hi', previewUrl: true },
      { kind: 'buttons', body: 'Pick', buttons: [{ id: 'a', title: 'A' }], header: 'H', footer: 'F' },
      {
        kind: 'list',
        body: 'Pick',
        button: 'Open',
        sections: [{ title: 'S', rows: [{ id: 'r', title: 'R', description: 'D' }] }],
      },
      { kind: 'reaction', emoji: '👍' },
      {
        kind: 'media',
        mediaType: 'document',
        link: 'https://example.com/a.pdf',
        filename: 'a.pdf',
        caption: 'A',
      },
      { kind: 'location', latitude: 37.4, longitude: -122.1, name: 'Philz Coffee' },
      { kind: 'template', name: 'hello_world', language: 'en_US', components: [] },
    ];
    expect(isResponse({ version: 1, replies })).toBe(true);
    const four = [1, 2, 3, 4].map((n) => ({ id: `${n}`, title: `${n}` }));
    expect(isResponse({ version: 1, replies: [{ kind: 'buttons', body: 'b', buttons: four }] })).toBe(false);
  });
});
