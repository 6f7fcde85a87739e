import type { ReplyPart } from '../domain/bot';

// The one place a reply part becomes a Graph `POST /<PHONE_NUMBER_ID>/messages` body. Each shape
// follows Meta's "Send messages" page of its kind (developers.facebook.com/documentation/
// business-messaging/whatsapp/messages/<page>; tests compare with each page's example request):
//   text               text-messages                      (`text.preview_url`, `text.body`)
//   buttons            interactive-reply-buttons-messages (`interactive.type: "button"`)
//   list               interactive-list-messages          (`interactive.type: "list"`)
//   reaction           reaction-messages                  (`reaction.message_id`, `reaction.emoji`)
//   media              image-, video-, audio-, document-, sticker-messages (`id` or `link`)
//   location           location-messages                  (latitude/longitude as strings, as documented)
//   template           template-messages, .../whatsapp/overview (`template.name`, `language.code`)
// Every part but a reaction quotes the inbound message with `context.message_id` (contextual-
// replies: "You cannot send a reaction message as a contextual reply"); a reaction names it in
// `reaction.message_id` instead.

type Body = Record<string, unknown>;

/**
 * Who receives it. A phone number goes in `to`. A user known only by their business-scoped user ID
 * (a username user, 2026) is addressed with `recipient`: Meta's "Business-scoped user IDs" page
 * (.../whatsapp/business-scoped-user-ids, send message requests, since its March 18, 2026 update)
 * reads `to` for phone numbers and `recipient` for a BSUID or parent BSUID, `to` winning when both
 * are set. (Its Nov 21, 2025 revision let `to` carry the BSUID.) A phone number is digits with an
 * optional `+`; a BSUID always holds a letter and a period ("US.1349...", "user.9373...").
 */
export function recipientFields(to: string): Body {
  return /^\+?\d+$/.test(to) ? { to } : { recipient: to };
}

export function messageBody(
  to: string,
  part: ReplyPart,
  inReplyTo: string,
  callbackData: string | undefined,
): Body {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...recipientFields(to),
    ...(part.kind === 'reaction' ? {} : { context: { message_id: inReplyTo } }),
    ...content(part, inReplyTo),
    ...(callbackData === undefined ? {} : { biz_opaque_callback_data: callbackData }),
  };
}

function content(part: ReplyPart, inReplyTo: string): Body {
  switch (part.kind) {
    case 'text':
      return { type: 'text', text: { preview_url: part.previewUrl ?? false, body: part.body } };
    case 'buttons':
      return interactive('button', part, {
        buttons: part.buttons.map(({ id, title }) => ({ type: 'reply', reply: { id, title } })),
      });
    case 'list':
      return interactive('list', part, {
        button: part.button,
        sections: part.sections.map((section) => ({
          ...optional('title', section.title),
          rows: section.rows.map((row) => ({
            id: row.id,
            title: row.title,
            ...optional('description', row.description),
          })),
        })),
      });
    case 'reaction':
      return { type: 'reaction', reaction: { message_id: inReplyTo, emoji: part.emoji } };
    case 'media':
      return {
        type: part.mediaType,
        [part.mediaType]: {
          ...optional('id', part.id),
          ...optional('link', part.link),
          ...optional('filename', part.filename),
          ...optional('caption', part.caption),
        },
      };
    case 'location':
      return {
        type: 'location',
        location: {
          latitude: String(part.latitude),
          longitude: String(part.longitude),
          ...optional('name', part.name),
          ...optional('address', part.address),
        },
      };
    case 'template':
      return {
        type: 'template',
        template: {
          name: part.name,
          language: { code: part.language },
          ...(part.components === undefined ? {} : { components: part.components }),
        },
      };
  }
}

function interactive(
  type: 'button' | 'list',
  part: { body: string; header?: string; footer?: string },
  action: Body,
): Body {
  return {
    type: 'interactive',
    interactive: {
      type,
      ...(part.header === undefined ? {} : { header: { type: 'text', text: part.header } }),
      body: { text: part.body },
      ...(part.footer === undefined ? {} : { footer: { text: part.footer } }),
      action,
    },
  };
}

const optional = (name: string, value: string | undefined): Body =>
  value === undefined ? {} : { [name]: value };
