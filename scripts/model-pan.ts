import type { Property } from './model-checks';

/** What one pan run reported, read from its output. */
export interface PanReport {
  statesStored: number | undefined;
  transitions: number | undefined;
  seconds: number | undefined;
  errors: number | undefined;
  /** The property whose violation pan reported, if any. */
  violated: Property | 'model-bound' | 'unknown' | undefined;
  /** pan stopped early for want of depth or memory: a "holds" verdict would be unfounded. */
  incomplete: string | undefined;
}

/** The text of each assertion in the model (as pan prints it), and the property it checks. */
const ASSERTIONS: [string, Property | 'model-bound'][] = [
  ['unexcused[', 'P1'],
  ['reachedPart[next]==0', 'P1-strict'],
  ['reachedPart[(next-1)]', 'P9'],
  ['permanentSeen', 'P3'],
  ['answered', 'P10'],
  ['lastWinner==me', 'P4'],
  ['cexpired', 'P5'],
  ['counted', 'P6'],
  ['reachedPart[0]>=2', 'P6'],
  ['rstate!=', 'P3q'],
  ['lostMessage', 'P7'],
  ['ratt<(obs+1)', 'P8'],
  ['att<', 'model-bound'],
  ['(obs+1)<', 'model-bound'],
  ['qPend[', 'model-bound'],
];

const number = (text: string, pattern: RegExp): number | undefined => {
  const match = pattern.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

export function readPanOutput(output: string): PanReport {
  let violated: PanReport['violated'];
  const assertion = /assertion violated (.*) \(at depth/.exec(output)?.[1];
  if (assertion !== undefined) {
    violated = ASSERTIONS.find(([text]) => assertion.includes(text))?.[1] ?? 'unknown';
  } else if (/acceptance cycle/.test(output)) {
    violated = 'P2';
  }
  const incomplete = ['max search depth too small', 'out of memory', 'memory limit']
    .filter((problem) => output.includes(problem))
    .join(', ');
  return {
    statesStored: number(output, /([\d.e+]+) states, stored/),
    transitions: number(output, /([\d.e+]+) transitions/),
    seconds: number(output, /pan: elapsed time ([\d.e+]+) seconds/),
    errors: number(output, /errors: (\d+)/),
    violated,
    incomplete: incomplete === '' ? undefined : incomplete,
  };
}

/** The story of a counter-example: the model's MODEL lines, the cycle mark and the failed assertion. */
export function readTrail(replay: string): string[] {
  return replay
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) =>
        line.startsWith('MODEL ') ||
        line.includes('START OF CYCLE') ||
        line.startsWith('spin: text of failed'),
    )
    .map((line) => line.replace(/^MODEL /, ''));
}
