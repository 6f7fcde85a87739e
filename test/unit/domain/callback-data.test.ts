import { describe, expect, it } from 'vitest';
import { decodeCallbackData, encodeCallbackData } from '../../../lambda/domain/callback-data';

const KEY = {
  tenantId: '106540352242922',
  messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
};

describe('callback data', () => {
  it('round-trips the inbound message key and attempt', () => {
    const encoded = encodeCallbackData({ key: KEY, attempt: 3 });
    expect(decodeCallbackData(encoded)).toEqual({ key: KEY, attempt: 3 });
  });

  it('keeps a message id that itself contains the separator', () => {
    const key = { tenantId: '1', messageId: 'odd|id' };
    expect(decodeCallbackData(encodeCallbackData({ key, attempt: 1 }))).toEqual({ key, attempt: 1 });
  });

  it('stays within the 512 characters Meta echoes, or is omitted', () => {
    expect(
      encodeCallbackData({ key: { tenantId: '1', messageId: 'x'.repeat(600) }, attempt: 1 }),
    ).toBeUndefined();
  });

  it('names the part of a multi-part answer, and keeps the old form for a single part', () => {
    const key = { tenantId: '106540352242922', messageId: 'wamid.A' };
    const second = encodeCallbackData({ key, attempt: 2, part: { index: 1, count: 3 } });

    expect(second).toBe('wo2|2|1|3|106540352242922|wamid.A');
    expect(decodeCallbackData(second)).toEqual({ key, attempt: 2, part: { index: 1, count: 3 } });
    expect(encodeCallbackData({ key, attempt: 1, part: { index: 0, count: 1 } })).toBe(
      'wo1|1|106540352242922|wamid.A',
    );
  });

  it.each([
    undefined,
    '',
    'someone-else',
    'wo1|x|1|m',
    'wo1|0|1|m',
    'wo1|1||m',
    'wo1|1|1|',
    'wo2|1|3|3|1|m',
    'wo2|1|0|1|1|m',
    'wo2|1|-1|2|1|m',
    'wo2|1|x|2|1|m',
  ])('ignores callback data it did not write: %j', (value) => {
    expect(decodeCallbackData(value)).toBeUndefined();
  });
});
