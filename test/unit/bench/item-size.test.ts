import { describe, expect, it } from 'vitest';
import { itemSize, writeUnitsFor } from '../../../bench/item-size';

describe('itemSize', () => {
  it('adds each attribute name to the bytes of its value', () => {
    expect(itemSize({ pk: { S: 'abc' }, flag: { BOOL: true }, gone: { NULL: true } })).toBe(
      2 + 3 + 4 + 1 + 4 + 1,
    );
  });

  it('counts strings in UTF-8 bytes, not characters', () => {
    expect(itemSize({ t: { S: 'é🙏' } })).toBe(1 + 2 + 4);
  });

  it('counts a number by its significant digits, two per byte, plus one', () => {
    expect(itemSize({ n: { N: '1749416383' } })).toBe(1 + 5 + 1);
    expect(itemSize({ n: { N: '-0.500' } })).toBe(1 + 1 + 1);
  });

  it('counts a map as 3 bytes plus each element with its name and one byte', () => {
    expect(itemSize({ m: { M: { a: { S: 'xy' } } } })).toBe(1 + 3 + (1 + 1 + 2));
  });
});

describe('writeUnitsFor', () => {
  it.each([
    [0, 1],
    [1_024, 1],
    [1_025, 2],
    [3_000, 3],
  ])('bills %i bytes as %i write units', (bytes, units) => {
    expect(writeUnitsFor(bytes)).toBe(units);
  });
});
