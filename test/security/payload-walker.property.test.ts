import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metaJson } from '../../devkit/meta/meta-json';
import { walkWebhook } from '../../lambda/http/payload';
import { isRecord } from '../../lambda/json-object';
import { envelopeArb } from './envelope-arbitraries';

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The spec, read straight off the envelope: where a message or status is, and whether it is usable. */
function itemsOf(envelope: unknown) {
  const messages: string[] = [];
  const statuses: string[] = [];
  if (
    !isRecord(envelope) ||
    envelope.object !== 'whatsapp_business_account' ||
    !Array.isArray(envelope.entry)
  ) {
    return { messages, statuses };
  }
  for (const entry of envelope.entry) {
    if (!isRecord(entry) || !Array.isArray(entry.changes)) continue;
    for (const change of entry.changes) {
      if (!isRecord(change) || !isRecord(change.value)) continue;
      const value = change.value;
      const tenant = isRecord(value.metadata) ? value.metadata.phone_number_id : undefined;
      if (!nonEmpty(tenant)) continue;
      for (const item of Array.isArray(value.messages) ? value.messages : []) {
        if (isRecord(item) && nonEmpty(item.id)) messages.push(`${tenant}#${item.id}`);
      }
      for (const item of Array.isArray(value.statuses) ? value.statuses : []) {
        if (isRecord(item) && nonEmpty(item.id) && nonEmpty(item.status))
          statuses.push(`${tenant}#${item.id}`);
      }
    }
  }
  return { messages, statuses };
}

describe('the payload walker, on generated input', () => {
  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = walkWebhook(value);
        expect(['batch', 'ignored']).toContain(result.kind);
      }),
      { numRuns: 500 },
    );
  });

  it('finds every usable message and status of an envelope, in order, and nothing else', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const expected = itemsOf(envelope);
        const result = walkWebhook(envelope);
        const batch = result.kind === 'batch' ? result.batch : { messages: [], statuses: [] };
        expect(batch.messages.map((m) => `${m.key.tenantId}#${m.key.messageId}`)).toEqual(expected.messages);
        expect(batch.statuses.map((s) => `${s.tenantId}#${s.outboundId}`)).toEqual(expected.statuses);
      }),
      { numRuns: 500 },
    );
  });

  it('reads text only from a string text.body, and never an empty key', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const result = walkWebhook(envelope);
        if (result.kind !== 'batch') return;
        for (const message of result.batch.messages) {
          expect(message.key.tenantId).not.toBe('');
          expect(message.key.messageId).not.toBe('');
          expect(message.text === undefined || typeof message.text === 'string').toBe(true);
          expect(message.replyTo === undefined || message.replyTo !== '').toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sees the same batch in a body with Meta escapes as in the value itself, and leaves it unchanged', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        const before = structuredClone(envelope);
        const direct = walkWebhook(envelope);
        expect(envelope).toEqual(before);
        expect(walkWebhook(JSON.parse(metaJson(envelope)))).toEqual(direct);
      }),
      { numRuns: 300 },
    );
  });
});
