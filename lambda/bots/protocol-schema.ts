import { REPLY_LIMITS as L } from '../domain/reply-limits';

// The JSON Schema of the bot protocol, version 1: what the function POSTs to BOT_URL and what it
// accepts back. docs/bot-protocol.schema.json is this object, written out (a test keeps them equal),
// so a bot in any language can validate against the same file. Limits are Meta's (reply-limits.ts);
// a list's 10-row total and title uniqueness are checked in code only, JSON Schema cannot say them.

const text = { type: 'string' } as const;
const bounded = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const nonEmpty = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const object = (required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  required,
  properties,
  additionalProperties: false,
});
const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'];

// `discriminator` (OpenAPI's keyword, understood by ajv) picks the branch by `type` / `kind`, so an
// error names the problem in the right branch instead of listing every branch's.
const inboundContent = {
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [
    object(['type', 'body'], { type: { const: 'text' }, body: text }),
    object(['type', 'reply'], {
      type: { const: 'interactive' },
      reply: object(['kind', 'id', 'title'], {
        kind: { enum: ['button_reply', 'list_reply'] },
        id: text,
        title: text,
        description: text,
      }),
    }),
    object(['type', 'payload', 'text'], { type: { const: 'button' }, payload: text, text }),
    object(['type', 'media'], {
      type: { enum: MEDIA_TYPES },
      media: object(['id'], {
        id: text,
        mimeType: text,
        caption: text,
        filename: text,
        voice: { type: 'boolean' },
      }),
    }),
    object(['type', 'location'], {
      type: { const: 'location' },
      location: object(['latitude', 'longitude'], {
        latitude: { type: 'number' },
        longitude: { type: 'number' },
        name: text,
        address: text,
        url: text,
      }),
    }),
    object(['type', 'contacts'], { type: { const: 'contacts' }, contacts: { type: 'array' } }),
    object(['type', 'reaction'], {
      type: { const: 'reaction' },
      reaction: object(['messageId'], { messageId: text, emoji: text }),
    }),
    object(['type', 'originalType'], { type: { const: 'other' }, originalType: text }),
  ],
};

const user = object([], { phone: text, userId: text, username: text, profileName: text });
const referral = object([], {
  sourceUrl: text,
  sourceType: text,
  sourceId: text,
  headline: text,
  body: text,
  ctwaClid: text,
});

const replyPart = {
  type: 'object',
  discriminator: { propertyName: 'kind' },
  required: ['kind'],
  oneOf: [
    object(['kind', 'body'], {
      kind: { const: 'text' },
      body: nonEmpty(L.textBody),
      previewUrl: { type: 'boolean' },
    }),
    object(['kind', 'body', 'buttons'], {
      kind: { const: 'buttons' },
      body: nonEmpty(L.buttonsBody),
      buttons: {
        type: 'array',
        minItems: 1,
        maxItems: L.buttons,
        items: object(['id', 'title'], { id: nonEmpty(L.buttonId), title: nonEmpty(L.buttonTitle) }),
      },
      header: bounded(L.headerOrFooter),
      footer: bounded(L.headerOrFooter),
    }),
    object(['kind', 'body', 'button', 'sections'], {
      kind: { const: 'list' },
      body: nonEmpty(L.listBody),
      button: nonEmpty(L.listButton),
      sections: {
        type: 'array',
        minItems: 1,
        maxItems: L.sections,
        items: object(['rows'], {
          title: bounded(L.sectionTitle),
          rows: {
            type: 'array',
            minItems: 1,
            maxItems: L.rows,
            items: object(['id', 'title'], {
              id: nonEmpty(L.rowId),
              title: nonEmpty(L.rowTitle),
              description: bounded(L.rowDescription),
            }),
          },
        }),
      },
      header: bounded(L.headerOrFooter),
      footer: bounded(L.headerOrFooter),
    }),
    object(['kind', 'emoji'], { kind: { const: 'reaction' }, emoji: nonEmpty(16) }),
    {
      ...object(['kind', 'mediaType'], {
        kind: { const: 'media' },
        mediaType: { enum: MEDIA_TYPES },
        id: nonEmpty(256),
        link: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^https?://' },
        caption: bounded(L.caption),
        filename: bounded(240),
      }),
      oneOf: [
        { required: ['id'], not: { required: ['link'] } },
        { required: ['link'], not: { required: ['id'] } },
      ],
    },
    object(['kind', 'latitude', 'longitude'], {
      kind: { const: 'location' },
      latitude: { type: 'number', minimum: -90, maximum: 90 },
      longitude: { type: 'number', minimum: -180, maximum: 180 },
      name: text,
      address: text,
    }),
    object(['kind', 'name', 'language'], {
      kind: { const: 'template' },
      name: nonEmpty(512),
      language: nonEmpty(16),
      components: { type: 'array' },
    }),
  ],
};

const botContext = object(['tenantId', 'user', 'ageSeconds', 'windowOpen', 'stale'], {
  tenantId: text,
  user: { $ref: '#/definitions/user' },
  ageSeconds: { type: 'integer', minimum: 0 },
  windowOpen: { type: 'boolean' },
  stale: { type: 'boolean' },
});

export const BOT_PROTOCOL_VERSION = 1;

export const BOT_PROTOCOL_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:whatsapp-once:bot-protocol:v1',
  title: 'whatsapp-once bot protocol v1',
  description:
    'request: what the function POSTs to BOT_URL (header X-Bot-Signature-256: sha256=<hex HMAC-SHA256 of the raw body under BOT_SECRET>); response: what the bot answers with HTTP 2xx.',
  definitions: {
    inboundContent,
    user,
    referral,
    botContext,
    replyPart,
    request: object(['version', 'message', 'context'], {
      version: { const: BOT_PROTOCOL_VERSION },
      message: object(['id', 'type', 'content'], {
        id: text,
        type: text,
        content: { $ref: '#/definitions/inboundContent' },
        referral: { $ref: '#/definitions/referral' },
        timestamp: { type: 'integer', minimum: 0 },
      }),
      context: { $ref: '#/definitions/botContext' },
    }),
    response: {
      type: 'object',
      required: ['version', 'replies'],
      properties: {
        version: { const: BOT_PROTOCOL_VERSION },
        replies: { type: 'array', maxItems: L.parts, items: { $ref: '#/definitions/replyPart' } },
      },
    },
  },
  oneOf: [{ $ref: '#/definitions/request' }, { $ref: '#/definitions/response' }],
} as const;
