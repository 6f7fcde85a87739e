import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { median } from './stats';

const run = promisify(execFile);

/** Imports one bundle in a fresh node process and prints how long the import (module init) took. */
const IMPORT_ONCE = `
const started = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - started));`;

export interface ColdStart {
  bundleBytes: number;
  initMs: number[];
  initMsMedian: number;
}

export interface ColdStartTarget {
  name: string;
  bundle: string;
  env: Record<string, string>;
}

/**
 * Bundle size and module init time: the median of `runs` fresh node processes per bundle, taken in
 * turns so that background load hits every bundle alike. Node's own start-up is not included.
 */
export async function measureColdStarts(
  targets: ColdStartTarget[],
  runs: number,
  onRun: (done: number, total: number) => void = () => undefined,
): Promise<Record<string, ColdStart>> {
  const samples = new Map<string, number[]>(targets.map((target) => [target.name, []]));
  for (let round = 0; round < runs; round++) {
    for (const target of targets) {
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', IMPORT_ONCE, pathToFileURL(resolve(target.bundle)).href],
        { env: target.env },
      );
      samples.get(target.name)?.push(Number(stdout));
      onRun(round * targets.length + targets.indexOf(target) + 1, runs * targets.length);
    }
  }
  return Object.fromEntries(
    targets.map((target) => {
      const initMs = samples.get(target.name) ?? [];
      return [
        target.name,
        { bundleBytes: statSync(target.bundle).size, initMs, initMsMedian: median(initMs) },
      ];
    }),
  );
}
