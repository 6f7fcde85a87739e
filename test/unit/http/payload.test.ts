import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkWebhook } from '../../../lambda/http/payload';

const FIXTURES = ['test/fixtures/meta-docs', 'test/fixtures/library'];
const fixtureFiles = FIXTURES.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(dir, name)),
);
const load = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** What each fixture holds, read by hand from the file: messages, statuses, value errors, message types. */
const EXPECTED: [string, number, number, number, string][] = [
  ['audio-voice.json', 1, 0, 0, 'audio'],
  ['button-quick-reply.json', 1, 0, 0, 'button'],
  ['contacts.json', 1, 0, 0, 'contacts'],
  ['document.json', 1, 0, 0, 'document'],
  ['errors-value-level-130429.json', 0, 0, 1, ''],
  ['image.json', 1, 0, 0, 'image'],
  ['interactive-button-reply.json', 1, 0, 0, 'interactive'],
  ['interactive-list-reply.json', 1, 0, 0, 'interactive'],
  ['location.json', 1, 0, 0, 'location'],
  ['reaction.json', 1, 0, 0, 'reaction'],
  ['status-delivered-bsuid.json', 0, 1, 0, ''],
  ['status-delivered.json', 0, 1, 0, ''],
  ['status-failed.json', 0, 1, 0, ''],
  ['status-sent-v24-no-conversation.json', 0, 1, 0, ''],
  ['status-sent.json', 0, 1, 0, ''],
  ['sticker.json', 1, 0, 0, 'sticker'],
  ['system-user-changed-number.json', 1, 0, 0, 'system'],
  ['text-bsuid-username.json', 1, 0, 0, 'text'],
  ['text-message-business-button.json', 1, 0, 0, 'text'],
  ['text-referral-ctwa.json', 1, 0, 0, 'text'],
  ['text.json', 1, 0, 0, 'text'],
  ['unsupported.json', 1, 0, 0, 'unsupported'],
  ['video.json', 1, 0, 0, 'video'],
  ['batch-two-changes-one-entry.json', 2, 0, 0, 'text,text'],
  ['reaction-emoji-escaped-surrogates.json', 1, 0, 0, 'reaction'],
  ['reaction-removed.json', 1, 0, 0, 'reaction'],
  ['status-failed-131026-captured.json', 0, 1, 0, ''],
  ['status-failed-131047-reengagement.json', 0, 1, 0, ''],
  ['status-failed-131053-escaped-slashes.json', 0, 1, 0, ''],
  ['status-read.json', 0, 1, 0, ''],
  ['text-forwarded.json', 1, 0, 0, 'text'],
  ['text-reply-context.json', 1, 0, 0, 'text'],
  ['unknown-type-legacy-2022.json', 1, 0, 0, 'unknown'],
  ['unsupported-legacy-deleted-message.json', 1, 0, 0, 'unsupported'],
];

describe('walkWebhook over every fixture', () => {
  it('has an expectation for every fixture file', () => {
    expect(fixtureFiles.map((path) => path.split('/').pop()).sort()).toEqual(
      EXPECTED.map(([name]) => name).sort(),
    );
  });

  it.each(EXPECTED)(
    'walks %s into %i messages, %i statuses, %i errors (%s)',
    (name, messages, statuses, errors, types) => {
      const path = fixtureFiles.find((file) => file.endsWith(`/${name}`)) ?? name;
      const result = walkWebhook(load(path));
      if (result.kind !== 'batch') throw new Error(`expected a batch, got ${result.reason}`);
      const { batch } = result;
      expect(batch.malformed).toBe(0);
      expect([batch.messages.length, batch.statuses.length, batch.errors.length]).toEqual([
        messages,
        statuses,
        errors,
      ]);
      expect(batch.messages.map((m) => m.type).join(',')).toBe(types);
      for (const message of batch.messages) {
        expect(message.key.tenantId).not.toBe('');
        expect(message.key.messageId).not.toBe('');
      }
    },
  );

  it.each([
    ['a string of epoch seconds', '1749416383', 1749416383],
    ['a number', 1749416383, 1749416383],
    ['a date string', '2025-06-08T20:59:43Z', undefined],
    ['a negative number', -5, undefined],
    ['missing', undefined, undefined],
  ])('reads the message timestamp given as %s', (_name, timestamp, expected) => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            {
              value: {
                metadata: { phone_number_id: '1065' },
                messages: [{ id: 'wamid.T', from: '1650', type: 'text', timestamp }],
              },
            },
          ],
        },
      ],
    };
    const result = walkWebhook(body);
    expect(result.kind === 'batch' && result.batch.messages[0]?.timestamp).toBe(expected);
  });

  it('reads a text message with its address, type and body', () => {
    const result = walkWebhook(load('test/fixtures/meta-docs/text.json'));
    expect(result).toEqual({
      kind: 'batch',
      batch: {
        messages: [
          {
            key: {
              tenantId: '106540352242922',
              messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
            },
            replyTo: '16505551234',
            type: 'text',
            text: 'Does it come in another color?',
            content: { type: 'text', body: 'Does it come in another color?' },
            user: { phone: '16505551234', profileName: 'Sheena Nelson' },
            timestamp: 1749416383,
          },
        ],
        statuses: [],
        errors: [],
        malformed: 0,
      },
    });
  });

  it('addresses a username user by from_user_id when from is empty', () => {
    const result = walkWebhook(load('test/fixtures/meta-docs/text-bsuid-username.json'));
    if (result.kind !== 'batch') throw new Error('expected a batch');
    const [message] = result.batch.messages;
    expect(message?.replyTo).toMatch(/\S/);
    expect(message?.replyTo).not.toBe('');
  });

  it('walks both changes of a batched entry, keeping items that share an id', () => {
    const result = walkWebhook(load('test/fixtures/library/batch-two-changes-one-entry.json'));
    if (result.kind !== 'batch') throw new Error('expected a batch');
    expect(result.batch.messages.map((m) => m.text)).toEqual(['MESSAGE_BODY', 'MESSAGE_BODY2']);
  });

  it('reads statuses with their callback data and error codes', () => {
    const result = walkWebhook(load('test/fixtures/meta-docs/status-failed.json'));
    if (result.kind !== 'batch') throw new Error('expected a batch');
    expect(result.batch.statuses[0]?.status).toBe('failed');
    expect(result.batch.statuses[0]?.errorCodes.length).toBeGreaterThan(0);
  });

  it('reads value-level errors', () => {
    const result = walkWebhook(load('test/fixtures/meta-docs/errors-value-level-130429.json'));
    if (result.kind !== 'batch') throw new Error('expected a batch');
    expect(result.batch.errors).toEqual([expect.objectContaining({ code: 130429 })]);
  });

  it('keeps unknown and unsupported message types for the bot to decide', () => {
    for (const path of [
      'test/fixtures/library/unknown-type-legacy-2022.json',
      'test/fixtures/meta-docs/unsupported.json',
    ]) {
      const result = walkWebhook(load(path));
      if (result.kind !== 'batch') throw new Error('expected a batch');
      expect(result.batch.messages).toHaveLength(1);
    }
  });
});

describe('walkWebhook on other shapes', () => {
  it.each([
    ['a JSON array', [], 'body is not a JSON object'],
    ['a number', 3, 'body is not a JSON object'],
    ['another object type', { object: 'page', entry: [] }, 'object is not whatsapp_business_account'],
    ['a missing entry', { object: 'whatsapp_business_account' }, 'entry is not an array'],
  ])('ignores %s', (_name, body, reason) => {
    expect(walkWebhook(body)).toEqual({ kind: 'ignored', reason });
  });

  it('counts a message whose key would exceed the 2048-byte DynamoDB key limit as malformed', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            {
              value: {
                metadata: { phone_number_id: '106540352242922' },
                messages: [
                  { id: `wamid.${'x'.repeat(2100)}`, type: 'text' },
                  { id: `wamid.${'y'.repeat(2000)}` },
                ],
              },
            },
          ],
        },
      ],
    };
    const result = walkWebhook(body);
    if (result.kind !== 'batch') throw new Error('expected a batch');
    expect(result.batch.messages).toHaveLength(1);
    expect(result.batch.malformed).toBe(1);
  });

  it('counts items it cannot process as malformed instead of throwing', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        { changes: 'not an array' },
        { changes: [{ value: { metadata: { phone_number_id: 7 }, messages: [{ id: 'wamid.X' }] } }] },
        {
          changes: [
            {
              value: { metadata: { phone_number_id: '1' }, messages: [{ id: 5 }, null, { id: 'wamid.ok' }] },
            },
          ],
        },
      ],
    };
    const result = walkWebhook(body);
    if (result.kind !== 'batch') throw new Error('expected a batch');
    expect(result.batch.messages.map((m) => m.key.messageId)).toEqual(['wamid.ok']);
    expect(result.batch.malformed).toBe(4);
  });
});

describe('a phone_number_id that cannot be a Graph URL path segment', () => {
  it.each(['.', '..', 'a/b', '1065 42', ''])('counts the messages under %j as malformed', (phoneNumberId) => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            {
              value: {
                metadata: { phone_number_id: phoneNumberId },
                messages: [{ id: 'wamid.X', from: '1' }],
              },
            },
          ],
        },
      ],
    };
    const result = walkWebhook(body);
    if (result.kind !== 'batch') throw new Error('expected a batch');
    expect(result.batch.messages).toEqual([]);
    expect(result.batch.malformed).toBe(1);
  });

  it("keeps the placeholder of Meta's documentation", () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          changes: [
            { value: { metadata: { phone_number_id: 'PHONE_NUMBER_ID' }, messages: [{ id: 'wamid.X' }] } },
          ],
        },
      ],
    };
    const result = walkWebhook(body);
    if (result.kind !== 'batch') throw new Error('expected a batch');
    expect(result.batch.messages.map((m) => m.key.tenantId)).toEqual(['PHONE_NUMBER_ID']);
  });
});
