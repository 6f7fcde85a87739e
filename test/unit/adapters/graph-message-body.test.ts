import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messageBody } from '../../../lambda/adapters/graph-message-body';
import type { ReplyPart } from '../../../lambda/domain/bot';
import { isRecord } from '../../../lambda/json-object';

// Meta's documented example request of each kind (test/fixtures/meta-send: the bodies of the
// "Send messages" pages, with their source). Our body must be that example, plus what every reply
// of ours adds: the quoted inbound message (`context`, not on reactions) and the callback data.
const EXAMPLES: unknown = JSON.parse(readFileSync('test/fixtures/meta-send/example-requests.json', 'utf8'));
function example(page: string): Record<string, unknown> {
  const body = isRecord(EXAMPLES) ? EXAMPLES[page] : undefined;
  if (!isRecord(body)) throw new Error(`no example for ${page}`);
  return body;
}

const TO = '+16505551234';
const IN_REPLY_TO = 'wamid.IN';
const CALLBACK = 'wo1|1|106540352242922|wamid.IN';
const quoted = (documented: Record<string, unknown>) => ({
  ...documented,
  context: { message_id: IN_REPLY_TO },
  biz_opaque_callback_data: CALLBACK,
});
const body = (part: ReplyPart, to = TO) => messageBody(to, part, IN_REPLY_TO, CALLBACK);

describe('messageBody: one body per reply kind, as Meta documents it', () => {
  it('builds a text message with a link preview (text-messages)', () => {
    const documented = example('text-messages');
    const part: ReplyPart = {
      kind: 'text',
      previewUrl: true,
      body: "As requested, here's the link to our latest product: https://www.meta.com/quest/quest-3/",
    };
    expect(body(part)).toEqual(quoted(documented));
  });

  it('builds reply buttons (interactive-reply-buttons-messages), with a text header', () => {
    const { interactive, ...documented } = example('interactive-reply-buttons-messages');
    const part: ReplyPart = {
      kind: 'buttons',
      header: 'Workshop Details',
      body: 'Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!',
      footer: 'Lucky Shrub: Your gateway to succulents!™',
      buttons: [
        { id: 'change-button', title: 'Change' },
        { id: 'cancel-button', title: 'Cancel' },
      ],
    };
    // The example shows an image header; a text header is the page's "Text header example".
    const expected = isRecord(interactive)
      ? { ...interactive, header: { type: 'text', text: 'Workshop Details' } }
      : {};
    expect(body(part)).toEqual(quoted({ ...documented, interactive: expected }));
  });

  it('builds a list with two sections of two rows (interactive-list-messages)', () => {
    const part: ReplyPart = {
      kind: 'list',
      header: 'Choose Shipping Option',
      body: 'Which shipping option do you prefer?',
      footer: 'Lucky Shrub: Your gateway to succulents™',
      button: 'Shipping Options',
      sections: [
        {
          title: 'I want it ASAP!',
          rows: [
            { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
            { id: 'priority_mail', title: 'Priority Mail', description: '1–3 Days' },
          ],
        },
        {
          title: 'I can wait a bit',
          rows: [
            { id: 'usps_ground_advantage', title: 'USPS Ground Advantage', description: '2–5 Days' },
            { id: 'media_mail', title: 'Media Mail', description: '2–8 Days' },
          ],
        },
      ],
    };
    expect(body(part)).toEqual(quoted(example('interactive-list-messages')));
  });

  it('reacts to the inbound message by naming it, never as a contextual reply (reaction-messages)', () => {
    const documented = example('reaction-messages');
    const reactedTo = 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQUZCMTY0MDc2MUYwNzBDNTY5MAA=';
    const result = messageBody(TO, { kind: 'reaction', emoji: '😀' }, reactedTo, CALLBACK);
    expect(result).toEqual({ ...documented, biz_opaque_callback_data: CALLBACK });
    expect(result).not.toHaveProperty('context');
  });

  it.each([
    [
      'image-messages',
      { kind: 'media', mediaType: 'image', id: '1479537139650973', caption: 'The best succulent ever?' },
    ],
    [
      'video-messages',
      { kind: 'media', mediaType: 'video', id: '1166846181421424', caption: 'A succulent eclipse!' },
    ],
    [
      'document-messages',
      {
        kind: 'media',
        mediaType: 'document',
        id: '1376223850470843',
        filename: 'order_abc123.pdf',
        caption: 'Your order confirmation (PDF)',
      },
    ],
    ['sticker-messages', { kind: 'media', mediaType: 'sticker', id: '798882015472548' }],
  ] satisfies [string, ReplyPart][])('builds media by uploaded id (%s)', (page, part) => {
    expect(body(part)).toEqual(quoted(example(page)));
  });

  it('builds media by link instead of id', () => {
    const part: ReplyPart = {
      kind: 'media',
      mediaType: 'image',
      link: 'https://example.com/a.png',
      caption: 'A',
    };
    expect(body(part)).toMatchObject({
      type: 'image',
      image: { link: 'https://example.com/a.png', caption: 'A' },
    });
  });

  it('builds a location with its coordinates as the documented strings (location-messages)', () => {
    const part: ReplyPart = {
      kind: 'location',
      latitude: 37.44216251868683,
      longitude: -122.16153582049394,
      name: 'Philz Coffee',
      address: '101 Forest Ave, Palo Alto, CA 94301',
    };
    expect(body(part)).toEqual(quoted(example('location-messages')));
  });

  it('builds a template by name and language code (overview), components passed as given', () => {
    const { to: _, ...documented } = example('overview-template');
    const part: ReplyPart = { kind: 'template', name: 'hello_world', language: 'en_US' };
    expect(body(part)).toEqual(quoted({ ...documented, recipient_type: 'individual', to: TO }));
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Pablo' }] }];
    expect(body({ ...part, components })).toMatchObject({ template: { components } });
  });
});

describe('messageBody: the recipient', () => {
  it.each(['16505551234', '+16505551234'])('sends to the phone number %s in `to`', (phone) => {
    const result = body({ kind: 'text', body: 'hi' }, phone);
    expect(result).toMatchObject({ to: phone });
    expect(result).not.toHaveProperty('recipient');
  });

  it.each(['US.13491208655302741918', 'user.93737...'])(
    'sends to a user known only by the business-scoped user id %s in `recipient`',
    (bsuid) => {
      const result = body({ kind: 'text', body: 'hi' }, bsuid);
      expect(result).toMatchObject({ recipient: bsuid });
      expect(result).not.toHaveProperty('to');
    },
  );

  it('leaves the callback data out when there is none', () => {
    expect(messageBody(TO, { kind: 'text', body: 'hi' }, IN_REPLY_TO, undefined)).not.toHaveProperty(
      'biz_opaque_callback_data',
    );
  });
});
