import { describe, expect, it } from 'vitest';
import { countByMessage, type SeenReply } from '../../../../local/simulator/sink-reader';

const reply = (inReplyTo: string, part = 0): SeenReply => ({ inReplyTo, text: 'x', kind: 'text', part });

describe('countByMessage', () => {
  it('counts the parts of one multi-part answer as one answer', () => {
    expect(countByMessage([reply('a', 0), reply('a', 1), reply('a', 2), reply('b')])).toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
  });

  it('counts every extra copy of a part, whichever part came first', () => {
    expect(countByMessage([reply('a', 1), reply('a', 0), reply('a', 1), reply('a', 0)])).toEqual(
      new Map([['a', 3]]),
    );
    expect(countByMessage([reply('b'), reply('b')])).toEqual(new Map([['b', 2]]));
  });

  it('has nothing to count without a sink', () => {
    expect(countByMessage(undefined)).toBeUndefined();
  });
});
