import { build } from 'esbuild';
import { esbuildOptionsFor } from '../lib/bundling';

/** The comparison targets, bundled with the deployed handler's esbuild settings (lib/bundling.ts). */
export const TARGET_ENTRIES = {
  baseline: 'bench/targets/powertools-baseline.ts',
  none: 'bench/targets/no-dedup.ts',
} as const;

export const OUT_DIR = 'dist/bench';
export const bundlePath = (name: keyof typeof TARGET_ENTRIES): string => `${OUT_DIR}/${name}.mjs`;

/** Builds the baseline and no-dedup bundles; each runs in its own devkit Lambda host process. */
export async function bundleBenchTargets(): Promise<void> {
  for (const [name, entry] of Object.entries(TARGET_ENTRIES)) {
    await build(esbuildOptionsFor(entry, `${OUT_DIR}/${name}.mjs`));
  }
}
