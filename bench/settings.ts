/** The bench's knobs, in one place; `--quick` shrinks them for development, never the shape. */
export interface BenchSettings {
  /** Interleaved rounds: every round runs every target once per phase, in a rotated order. */
  rounds: number;
  warmupMessages: number;
  stormMessagesPerRound: number;
  /** First deliveries per second in the storm phase (copies come on top). */
  stormArrivalsPerSecond: number;
  throughputMessagesPerRound: number;
  /** Senders in the saturation phase: the most deliveries one target handles at once there. */
  throughputConcurrency: number;
  /** How long the Graph API stub takes to accept a reply (issue #11's figure: 200 ms). */
  graphDelayMs: number;
  /** The slow-bot pass: the storm again with every target's bot taking this long to compose (0: no pass). */
  botDelayMs: number;
  /** Meta's redelivery of a non-2xx answer, on a compressed clock; its length bounds redeliveries. */
  redeliveryDelaysMs: number[];
  probeRepeats: number;
  coldStartRuns: number;
  seed: number;
}

export const FULL: BenchSettings = {
  rounds: 3,
  warmupMessages: 30,
  stormMessagesPerRound: 150,
  stormArrivalsPerSecond: 40,
  throughputMessagesPerRound: 200,
  throughputConcurrency: 16,
  graphDelayMs: 200,
  botDelayMs: 3_000,
  redeliveryDelaysMs: [250, 500, 1_000, 2_000],
  probeRepeats: 3,
  coldStartRuns: 15,
  seed: 20_261_129,
};

export const QUICK: BenchSettings = {
  ...FULL,
  rounds: 1,
  warmupMessages: 10,
  stormMessagesPerRound: 24,
  throughputMessagesPerRound: 32,
  probeRepeats: 1,
  coldStartRuns: 2,
};

/**
 * Settings from the command line: `--quick`, and any numeric knob as `--name=value` (for the
 * sensitivity runs in docs/BENCHMARKS.md). Returns whether the run differs from the published one.
 */
export function settingsFrom(args: string[]): { settings: BenchSettings; published: boolean } {
  const settings: BenchSettings = { ...(args.includes('--quick') ? QUICK : FULL) };
  let published = !args.includes('--quick');
  for (const arg of args) {
    const match = /^--(\w+)=(\d+)$/.exec(arg);
    if (!match) continue;
    const [, name = '', value = ''] = match;
    if (!(name in settings) || typeof settings[name as keyof BenchSettings] !== 'number') {
      throw new Error(`unknown numeric setting --${name}`);
    }
    Object.assign(settings, { [name]: Number(value) });
    published = false;
  }
  return { settings, published };
}
