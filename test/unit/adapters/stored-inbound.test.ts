import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredInbound } from '../../../lambda/adapters/stored-inbound';
import { decodeInbound, encodeInbound, MAX_INBOUND_BYTES } from '../../../lambda/adapters/stored-inbound';
import { walkWebhook } from '../../../lambda/http/payload';

const LEGACY = { type: 'text', text: undefined, replyTo: '16505551234' };
const roundTrip = (inbound: StoredInbound) => decodeInbound(encodeInbound(inbound), LEGACY);

/** Every message of every fixture, as the walk reads it. */
const walked = ['test/fixtures/meta-docs', 'test/fixtures/library'].flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => {
      const result = walkWebhook(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      return result.kind === 'batch' ? result.batch.messages.map((m) => [name, m] as const) : [];
    }),
);

describe('stored inbound: the queued record carries the bot input unchanged', () => {
  it('has messages to check', () => {
    expect(walked.length).toBeGreaterThan(20);
  });

  it.each(walked)('keeps the content, user and referral of %s through the table', (_name, message) => {
    const inbound = { content: message.content, user: message.user, referral: message.referral };
    const expected =
      message.referral === undefined ? { content: message.content, user: message.user } : inbound;
    expect(roundTrip(inbound)).toEqual(expected);
  });

  it('reads back what it cannot parse as none, so the record is handed back, never guessed', () => {
    expect(decodeInbound('not json', LEGACY)).toBeUndefined();
    expect(decodeInbound(JSON.stringify({ message: { text: { body: 'x' } } }), LEGACY)).toBeUndefined();
    expect(decodeInbound(42, LEGACY)).toBeUndefined();
  });
});

describe('stored inbound: bounded size', () => {
  const user = { phone: '16505551234', profileName: 'Sheena' };
  const size = (json: string) => Buffer.byteLength(json);

  it('keeps a 4096-character text in a 4-byte script whole', () => {
    const body = '😀'.repeat(4096);
    const back = roundTrip({ content: { type: 'text', body }, user })?.content;
    expect(back?.type === 'text' && back.body === body).toBe(true);
  });

  it('drops the referral first, then cuts a longer text to fit, never inside a character', () => {
    const body = '😀é'.repeat(10_000);
    const referral = { headline: 'h'.repeat(5_000) };
    const json = encodeInbound({ content: { type: 'text', body }, user, referral });
    expect(size(json)).toBeLessThanOrEqual(MAX_INBOUND_BYTES);
    const back = decodeInbound(json, LEGACY);
    expect(back?.referral).toBeUndefined();
    const kept = back?.content.type === 'text' ? back.content.body : '';
    expect(kept.length).toBeGreaterThan(10_000);
    expect(body.startsWith(kept)).toBe(true);
    expect(kept).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('drops contact cards from the end until the rest fits', () => {
    const card = { name: { formatted_name: 'x'.repeat(1_000) } };
    const json = encodeInbound({
      content: { type: 'contacts', contacts: Array.from({ length: 40 }, () => card) },
      user,
    });
    const back = decodeInbound(json, LEGACY);
    expect(size(json)).toBeLessThanOrEqual(MAX_INBOUND_BYTES);
    expect(back?.content.type === 'contacts' && back.content.contacts.length).toBeGreaterThan(10);
    expect(back?.content.type === 'contacts' && back.content.contacts.length).toBeLessThan(40);
  });

  it('falls back to `other` of the type when nothing else fits, still answerable', () => {
    const reply = { kind: 'list_reply' as const, id: 'x'.repeat(30_000), title: 't' };
    const back = decodeInbound(encodeInbound({ content: { type: 'interactive', reply }, user }), LEGACY);
    expect(back).toEqual({ content: { type: 'other', originalType: 'interactive' }, user });
  });
});
