import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BotUser, InboundContent, Referral } from '../../../lambda/domain/bot';
import { walkWebhook } from '../../../lambda/http/payload';

const walk = (path: string) => {
  const result = walkWebhook(JSON.parse(readFileSync(`test/fixtures/${path}`, 'utf8')));
  if (result.kind !== 'batch') throw new Error(`expected a batch, got ${result.reason}`);
  return result.batch.messages;
};

const SHEENA: BotUser = { phone: '16505551234', profileName: 'Sheena Nelson' };
const PYWA_USER: BotUser = {
  phone: '972987654321',
  userId: 'US.13491208655302741918',
  profileName: 'Test Name',
};

/** Each message fixture, read by hand: the typed content and the user the walk must produce. */
const EXPECTED: [string, InboundContent, BotUser][] = [
  ['meta-docs/text.json', { type: 'text', body: 'Does it come in another color?' }, SHEENA],
  [
    'meta-docs/text-bsuid-username.json',
    { type: 'text', body: 'Does it come in another color?' },
    { userId: 'user.93737...', username: '@realsheenanelson', profileName: 'Sheena Nelson' },
  ],
  ['meta-docs/text-message-business-button.json', { type: 'text', body: 'Is this still available?' }, SHEENA],
  ['meta-docs/text-referral-ctwa.json', { type: 'text', body: 'Can I get more info about this?' }, SHEENA],
  [
    'meta-docs/image.json',
    { type: 'image', media: { id: '1003383421387256', mimeType: 'image/jpeg', caption: 'Taj Mahal' } },
    SHEENA,
  ],
  [
    'meta-docs/video.json',
    {
      type: 'video',
      media: { id: '731675419373506', mimeType: 'video/mp4', caption: 'Timelapse of growth' },
    },
    SHEENA,
  ],
  [
    'meta-docs/audio-voice.json',
    { type: 'audio', media: { id: '1908647269898587', mimeType: 'audio/ogg; codecs=opus', voice: true } },
    SHEENA,
  ],
  [
    'meta-docs/document.json',
    {
      type: 'document',
      media: {
        id: '622684793477189',
        mimeType: 'application/pdf',
        caption: 'my receipt',
        filename: 'receipt.pdf',
      },
    },
    SHEENA,
  ],
  [
    'meta-docs/sticker.json',
    { type: 'sticker', media: { id: '1908647269898587', mimeType: 'image/webp' } },
    SHEENA,
  ],
  [
    'meta-docs/location.json',
    {
      type: 'location',
      location: {
        latitude: 37.44221496582,
        longitude: -122.16165924072,
        name: 'Philz Coffee',
        address: '101 Forest Ave, Palo Alto, CA 94301',
        url: 'https://philzcoffee.com/',
      },
    },
    SHEENA,
  ],
  [
    'meta-docs/contacts.json',
    {
      type: 'contacts',
      contacts: [
        {
          name: { first_name: 'Barbara', last_name: 'Johnson', formatted_name: 'Barbara J. Johnson' },
          org: { company: 'Social Tsunami' },
          phones: [{ phone: '+1 (415) 555-0829', wa_id: '14125550829', type: 'MOBILE' }],
        },
      ],
    },
    SHEENA,
  ],
  [
    'meta-docs/interactive-button-reply.json',
    { type: 'interactive', reply: { kind: 'button_reply', id: 'cancel-button', title: 'Cancel' } },
    SHEENA,
  ],
  [
    'meta-docs/interactive-list-reply.json',
    {
      type: 'interactive',
      reply: {
        kind: 'list_reply',
        id: 'priority_express',
        title: 'Priority Mail Express',
        description: 'Next Day to 2 Days',
      },
    },
    SHEENA,
  ],
  [
    'meta-docs/button-quick-reply.json',
    { type: 'button', payload: 'Unsubscribe', text: 'Unsubscribe' },
    SHEENA,
  ],
  [
    'meta-docs/reaction.json',
    {
      type: 'reaction',
      reaction: { messageId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=', emoji: '👍' },
    },
    SHEENA,
  ],
  // A system notice names no contact: the user is the sender's number alone.
  [
    'meta-docs/system-user-changed-number.json',
    { type: 'other', originalType: 'system' },
    { phone: '16505551234' },
  ],
  ['meta-docs/unsupported.json', { type: 'other', originalType: 'unsupported' }, SHEENA],
  [
    'library/reaction-emoji-escaped-surrogates.json',
    { type: 'reaction', reaction: { messageId: 'wamid.xxxxxxxx', emoji: '👍🏻' } },
    { phone: '491234567890', profileName: 'TestUser' },
  ],
  [
    'library/reaction-removed.json',
    { type: 'reaction', reaction: { messageId: 'wamid.yzxyzx=' } },
    PYWA_USER,
  ],
  ['library/text-forwarded.json', { type: 'text', body: 'forwarded text' }, PYWA_USER],
  ['library/text-reply-context.json', { type: 'text', body: 'replied text' }, PYWA_USER],
  [
    'library/unknown-type-legacy-2022.json',
    { type: 'other', originalType: 'unknown' },
    { phone: '491234567890', profileName: 'TestUser' },
  ],
  [
    'library/unsupported-legacy-deleted-message.json',
    { type: 'other', originalType: 'unsupported' },
    { phone: '1111111111111', profileName: 'Mauricio Binda' },
  ],
];

describe('walkWebhook: typed content of every message fixture', () => {
  it.each(EXPECTED)('reads %s', (path, content, user) => {
    const [message, ...rest] = walk(path);
    expect(rest).toEqual([]);
    expect(message?.content).toEqual(content);
    expect(message?.user).toEqual(user);
    expect(message?.text).toBe(content.type === 'text' ? content.body : undefined);
    expect(message?.type).toBe(content.type === 'other' ? content.originalType : content.type);
  });

  it('reads both messages of a batch with their own text and the shared contact', () => {
    const messages = walk('library/batch-two-changes-one-entry.json');
    expect(messages.map((m) => m.content)).toEqual([
      { type: 'text', body: 'MESSAGE_BODY' },
      { type: 'text', body: 'MESSAGE_BODY2' },
    ]);
    expect(messages.map((m) => m.user.profileName)).toEqual(['NAME', 'NAME']);
  });

  it('reads the Click-to-WhatsApp referral of an ad', () => {
    const [message] = walk('meta-docs/text-referral-ctwa.json');
    expect(message?.referral).toEqual({
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      sourceId: '120226305854810726',
      sourceType: 'ad',
      body: 'Summer Succulents are here!',
      headline: 'Chat with us',
      ctwaClid:
        'Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iTROpBhWAGaIAeUzHL50',
    } satisfies Referral);
    expect(walk('meta-docs/text.json')[0]).not.toHaveProperty('referral');
  });
});

describe('walkWebhook: content it cannot read', () => {
  const body = (item: Record<string, unknown>, contacts?: unknown[]) => ({
    object: 'whatsapp_business_account',
    entry: [{ changes: [{ value: { metadata: { phone_number_id: '1065' }, contacts, messages: [item] } }] }],
  });
  const contentOf = (item: Record<string, unknown>, contacts?: unknown[]) => {
    const result = walkWebhook(body({ id: 'wamid.X', from: '1650', ...item }, contacts));
    return result.kind === 'batch' ? result.batch.messages[0]?.content : undefined;
  };

  it.each([
    ['an image without an id', { type: 'image', image: { mime_type: 'image/png' } }, 'image'],
    [
      'a location with string coordinates',
      { type: 'location', location: { latitude: '1', longitude: '2' } },
      'location',
    ],
    [
      'an interactive flow reply',
      { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: {} } },
      'interactive',
    ],
    ['a text without a body', { type: 'text', text: {} }, 'text'],
    ['a reaction without a message id', { type: 'reaction', reaction: { emoji: '👍' } }, 'reaction'],
    ['an order', { type: 'order', order: { catalog_id: '1' } }, 'order'],
  ])('keeps %s as `other` of its type, still answerable', (_name, item, originalType) => {
    expect(contentOf(item)).toEqual({ type: 'other', originalType });
  });

  it('reads an empty reaction emoji (older payloads) as a removed reaction', () => {
    expect(contentOf({ type: 'reaction', reaction: { message_id: 'wamid.Y', emoji: '' } })).toEqual({
      type: 'reaction',
      reaction: { messageId: 'wamid.Y' },
    });
  });

  it('takes the contact that matches the sender when a value carries several', () => {
    const result = walkWebhook(
      body({ id: 'wamid.X', from: '222', type: 'text', text: { body: 'x' } }, [
        { wa_id: '111', profile: { name: 'Other' } },
        { wa_id: '222', profile: { name: 'Sender' } },
      ]),
    );
    expect(result.kind === 'batch' && result.batch.messages[0]?.user).toEqual({
      phone: '222',
      profileName: 'Sender',
    });
  });
});
