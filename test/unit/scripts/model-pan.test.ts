import { describe, expect, it } from 'vitest';
import { readPanOutput, readTrail } from '../../../scripts/model-pan';

const SEARCH_DONE = `
State-vector 124 byte, depth reached 455, errors: 0
 12292817 states, stored
 17474504 states, matched
 29767321 transitions (= stored+matched)
pan: elapsed time 12.6 seconds
`;

describe('readPanOutput', () => {
  it('reads the figures of a complete search', () => {
    expect(readPanOutput(SEARCH_DONE)).toEqual({
      statesStored: 12_292_817,
      transitions: 29_767_321,
      seconds: 12.6,
      errors: 0,
      violated: undefined,
      incomplete: undefined,
    });
  });

  it.each([
    ['(unexcused[next]==0)', 'P1'],
    ['(reachedPart[next]==0)', 'P1-strict'],
    ['((answered||permanentSeen))', 'P3'],
    ['((lastWinner==me)&&(lastAtt==att))', 'P4'],
    [' !(cexpired)', 'P5'],
    ['( !(((npending==0)&&(reachedPart[0]>=2)))||counted)', 'P6'],
    ['(reachedPart[0]>=2)', 'P6'],
    ['(((next==0)||(reachedPart[(next-1)]>0)))', 'P9'],
    ['answered', 'P10'],
    ['(att<8)', 'model-bound'],
  ])('names the property of the failed assertion %s', (assertion, property) => {
    const output = `pan:1: assertion violated ${assertion} (at depth 62)\n${SEARCH_DONE.replace('errors: 0', 'errors: 1')}`;

    expect(readPanOutput(output).violated).toBe(property);
  });

  it('reads an acceptance cycle as a violation of P2', () => {
    expect(readPanOutput('pan:1: acceptance cycle (at depth 439)\nerrors: 1').violated).toBe('P2');
  });

  it('reports a search cut short, so that it never counts as a proof', () => {
    expect(readPanOutput(`error: max search depth too small\n${SEARCH_DONE}`).incomplete).toBe(
      'max search depth too small',
    );
  });
});

describe('readTrail', () => {
  it('keeps the model events, the cycle mark and the failed assertion', () => {
    const replay = [
      '      MODEL meta: delivery starts in slot 0',
      '  1:\tproc  0 (Clock:1) world.pml:74 (state 43)',
      '  <<<<<START OF CYCLE>>>>>',
      'spin: text of failed assertion: assert((reachedPart[next]==0))',
    ].join('\n');

    expect(readTrail(replay)).toEqual([
      'meta: delivery starts in slot 0',
      '<<<<<START OF CYCLE>>>>>',
      'spin: text of failed assertion: assert((reachedPart[next]==0))',
    ]);
  });
});
