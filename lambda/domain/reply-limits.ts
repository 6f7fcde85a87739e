import type { BotAnswer, ReplyPart } from './bot';

/**
 * Meta's limits on what a reply part may carry, checked before any Graph call: a part Graph would
 * refuse with a 400 ends the message as a permanent failure at once, instead of a request that
 * fails on every retry. Sources (Meta, "Send messages" pages, .../whatsapp/messages/*):
 * text-messages (body 4096), interactive-reply-buttons-messages (1..3 buttons, unique titles of
 * <= 20, ids <= 256, body 1024, footer 60), interactive-list-messages (button 20, body 4096,
 * header/footer 60, 1..10 sections with titles <= 24, 1..10 rows in all, row id 200, title 24,
 * description 72), image/video/document-messages (caption 1024; filename on documents only).
 * Problems name the field and the limit, never the text (personal data, and the bot's).
 */
export const REPLY_LIMITS = {
  textBody: 4096,
  buttonsBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listBody: 4096,
  listButton: 20,
  headerOrFooter: 60,
  sections: 10,
  rows: 10,
  sectionTitle: 24,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
  caption: 1024,
  parts: 10,
} as const;

const L = REPLY_LIMITS;
const CAPTIONED = new Set(['image', 'video', 'document']);
/** Characters as WhatsApp counts them: code points, so an emoji is one, not two UTF-16 units. */
const length = (text: string): number => [...text].length;
const tooLong = (field: string, text: string | undefined, max: number): string | undefined =>
  text !== undefined && length(text) > max ? `${field} longer than ${max} characters` : undefined;
const blank = (field: string, text: string): string | undefined =>
  text.trim() === '' ? `${field} is empty` : undefined;
const first = (...problems: (string | undefined)[]): string | undefined => problems.find(Boolean);

/** Why the answer cannot be sent as it is, or undefined when every part is within Meta's limits. */
export function answerProblem(answer: BotAnswer): string | undefined {
  if (answer.length > L.parts) return `more than ${L.parts} parts`;
  for (const [index, part] of answer.entries()) {
    const problem = partProblem(part);
    if (problem !== undefined) return `part ${index + 1} (${part.kind}): ${problem}`;
  }
  return undefined;
}

export function partProblem(part: ReplyPart): string | undefined {
  switch (part.kind) {
    case 'text':
      return first(blank('body', part.body), tooLong('body', part.body, L.textBody));
    case 'buttons':
      return first(
        ...interactiveFrameProblems(part, L.buttonsBody),
        part.buttons.length < 1 || part.buttons.length > L.buttons
          ? `needs 1 to ${L.buttons} buttons`
          : undefined,
        new Set(part.buttons.map((b) => b.title)).size < part.buttons.length
          ? 'button titles are not unique'
          : undefined,
        ...part.buttons.flatMap((b) => [
          blank('button title', b.title),
          blank('button id', b.id),
          tooLong('button title', b.title, L.buttonTitle),
          tooLong('button id', b.id, L.buttonId),
        ]),
      );
    case 'list':
      return listProblem(part);
    case 'reaction':
      return blank('emoji', part.emoji);
    case 'media':
      return first(
        (part.id === undefined) === (part.link === undefined)
          ? 'needs exactly one of id and link'
          : undefined,
        part.caption !== undefined && !CAPTIONED.has(part.mediaType)
          ? `a ${part.mediaType} has no caption`
          : undefined,
        part.filename !== undefined && part.mediaType !== 'document'
          ? 'only a document has a filename'
          : undefined,
        tooLong('caption', part.caption, L.caption),
      );
    case 'location':
      return Math.abs(part.latitude) > 90 ||
        Math.abs(part.longitude) > 180 ||
        !Number.isFinite(part.latitude + part.longitude)
        ? 'latitude or longitude out of range'
        : undefined;
    case 'template':
      return first(blank('name', part.name), blank('language', part.language));
  }
}

/** The body, header and footer that buttons and lists share (their body limits differ). */
function interactiveFrameProblems(
  part: { body: string; header?: string | undefined; footer?: string | undefined },
  bodyLimit: number,
): (string | undefined)[] {
  return [
    blank('body', part.body),
    tooLong('body', part.body, bodyLimit),
    tooLong('header', part.header, L.headerOrFooter),
    tooLong('footer', part.footer, L.headerOrFooter),
  ];
}

function listProblem(part: Extract<ReplyPart, { kind: 'list' }>): string | undefined {
  const rows = part.sections.flatMap((section) => section.rows);
  return first(
    ...interactiveFrameProblems(part, L.listBody),
    blank('button', part.button),
    tooLong('button', part.button, L.listButton),
    part.sections.length < 1 || part.sections.length > L.sections
      ? `needs 1 to ${L.sections} sections`
      : undefined,
    // Meta requires a title on every section once there are several.
    part.sections.length > 1 && part.sections.some((s) => !s.title)
      ? 'every section needs a title'
      : undefined,
    part.sections.some((s) => s.rows.length === 0) ? 'a section has no rows' : undefined,
    rows.length > L.rows ? `more than ${L.rows} rows` : undefined,
    new Set(rows.map((row) => row.id)).size < rows.length ? 'row ids are not unique' : undefined,
    ...part.sections.map((s) => tooLong('section title', s.title, L.sectionTitle)),
    ...rows.flatMap((row) => [
      blank('row id', row.id),
      blank('row title', row.title),
      tooLong('row id', row.id, L.rowId),
      tooLong('row title', row.title, L.rowTitle),
      tooLong('row description', row.description, L.rowDescription),
    ]),
  );
}
