import { describe, expect, it } from 'vitest';
import type { ReplyPart } from '../../../lambda/domain/bot';
import { answerProblem, partProblem } from '../../../lambda/domain/reply-limits';

const buttons = (n: number, title = (i: number) => `B${i}`) =>
  Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, title: title(i) }));
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));

describe('partProblem: Meta limits, checked before any Graph call', () => {
  it.each([
    ['a text', { kind: 'text', body: 'hi' }],
    ['three buttons', { kind: 'buttons', body: 'Pick', buttons: buttons(3) }],
    [
      'a 20-character title',
      { kind: 'buttons', body: 'Pick', buttons: [{ id: 'a', title: 'x'.repeat(20) }] },
    ],
    [
      'emoji counted as one character each',
      { kind: 'buttons', body: 'Pick', buttons: [{ id: 'a', title: '👍'.repeat(20) }] },
    ],
    [
      'ten rows over two sections',
      {
        kind: 'list',
        body: 'b',
        button: 'Open',
        sections: [
          { title: 'A', rows: rows(5) },
          { title: 'B', rows: rows(5).map((r) => ({ ...r, id: `${r.id}b` })) },
        ],
      },
    ],
    ['one untitled section', { kind: 'list', body: 'b', button: 'Open', sections: [{ rows: rows(2) }] }],
    ['media by link', { kind: 'media', mediaType: 'image', link: 'https://a/b.png', caption: 'c' }],
    ['a document with a filename', { kind: 'media', mediaType: 'document', id: '1', filename: 'a.pdf' }],
    ['a location', { kind: 'location', latitude: -90, longitude: 180 }],
    ['a template', { kind: 'template', name: 'hello_world', language: 'en_US' }],
    ['a reaction', { kind: 'reaction', emoji: '😀' }],
  ] satisfies [string, ReplyPart][])('accepts %s', (_name, part) => {
    expect(partProblem(part)).toBeUndefined();
  });

  it.each([
    ['an empty text', { kind: 'text', body: '  ' }, 'body is empty'],
    [
      'a text over 4096 characters',
      { kind: 'text', body: 'x'.repeat(4097) },
      'body longer than 4096 characters',
    ],
    ['four buttons', { kind: 'buttons', body: 'Pick', buttons: buttons(4) }, 'needs 1 to 3 buttons'],
    ['no buttons', { kind: 'buttons', body: 'Pick', buttons: [] }, 'needs 1 to 3 buttons'],
    [
      'a 21-character title',
      { kind: 'buttons', body: 'Pick', buttons: [{ id: 'a', title: 'x'.repeat(21) }] },
      'button title longer than 20 characters',
    ],
    [
      'two equal titles',
      { kind: 'buttons', body: 'Pick', buttons: buttons(2, () => 'Same') },
      'button titles are not unique',
    ],
    [
      'a 1025-character button body',
      { kind: 'buttons', body: 'x'.repeat(1025), buttons: buttons(1) },
      'body longer than 1024 characters',
    ],
    [
      'a 61-character footer',
      { kind: 'buttons', body: 'b', footer: 'x'.repeat(61), buttons: buttons(1) },
      'footer longer than 60 characters',
    ],
    [
      'eleven rows',
      { kind: 'list', body: 'b', button: 'Open', sections: [{ rows: rows(11) }] },
      'more than 10 rows',
    ],
    [
      'two sections without titles',
      {
        kind: 'list',
        body: 'b',
        button: 'Open',
        sections: [{ rows: rows(1) }, { rows: [{ id: 'z', title: 'Z' }] }],
      },
      'every section needs a title',
    ],
    [
      'a 21-character list button',
      { kind: 'list', body: 'b', button: 'x'.repeat(21), sections: [{ rows: rows(1) }] },
      'button longer than 20 characters',
    ],
    [
      'a 25-character row title',
      { kind: 'list', body: 'b', button: 'Open', sections: [{ rows: [{ id: 'a', title: 'x'.repeat(25) }] }] },
      'row title longer than 24 characters',
    ],
    [
      'a 73-character row description',
      {
        kind: 'list',
        body: 'b',
        button: 'Open',
        sections: [{ rows: [{ id: 'a', title: 'A', description: 'x'.repeat(73) }] }],
      },
      'row description longer than 72 characters',
    ],
    [
      'repeated row ids',
      {
        kind: 'list',
        body: 'b',
        button: 'Open',
        sections: [
          {
            rows: [
              { id: 'a', title: 'A' },
              { id: 'a', title: 'B' },
            ],
          },
        ],
      },
      'row ids are not unique',
    ],
    [
      'media with id and link',
      { kind: 'media', mediaType: 'image', id: '1', link: 'https://a/b' },
      'needs exactly one of id and link',
    ],
    ['media with neither', { kind: 'media', mediaType: 'image' }, 'needs exactly one of id and link'],
    [
      'a captioned sticker',
      { kind: 'media', mediaType: 'sticker', id: '1', caption: 'c' },
      'a sticker has no caption',
    ],
    [
      'an image with a filename',
      { kind: 'media', mediaType: 'image', id: '1', filename: 'a.png' },
      'only a document has a filename',
    ],
    [
      'a latitude of 91',
      { kind: 'location', latitude: 91, longitude: 0 },
      'latitude or longitude out of range',
    ],
    ['an empty emoji', { kind: 'reaction', emoji: '' }, 'emoji is empty'],
    ['a template without language', { kind: 'template', name: 'x', language: '' }, 'language is empty'],
  ] satisfies [string, ReplyPart, string][])('refuses %s', (_name, part, problem) => {
    expect(partProblem(part)).toBe(problem);
  });
});

describe('answerProblem', () => {
  it('names the first invalid part by its position and kind, never its text', () => {
    const secret = 'x'.repeat(4097);
    const problem = answerProblem([
      { kind: 'text', body: 'ok' },
      { kind: 'text', body: secret },
    ]);
    expect(problem).toBe('part 2 (text): body longer than 4096 characters');
    expect(problem).not.toContain('xxx');
  });

  it('accepts no parts at all (no reply) and refuses more than ten', () => {
    expect(answerProblem([])).toBeUndefined();
    expect(answerProblem(Array.from({ length: 11 }, () => ({ kind: 'text', body: 'a' }) as const))).toBe(
      'more than 10 parts',
    );
  });
});
