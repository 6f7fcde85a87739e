import { build } from 'esbuild';
import { esbuildOptionsFor } from '../lib/bundling';

/**
 * The bench's own bundles, built with the deployed handler's esbuild settings (lib/bundling.ts): the
 * comparison targets, and this project's three functions with the bench's bot (`BENCH_BOT_DELAY_MS`)
 * for the slow-bot pass. Everything else runs the `npm run build` bundles themselves.
 */
export const TARGET_ENTRIES = {
  baseline: 'bench/targets/powertools-baseline.ts',
  none: 'bench/targets/no-dedup.ts',
  'webhook-with-bot': 'bench/targets/webhook-with-bot.ts',
  'worker-with-bot': 'bench/targets/worker-with-bot.ts',
  'redrive-with-bot': 'bench/targets/redrive-with-bot.ts',
} as const;

export const OUT_DIR = 'dist/bench';
export const bundlePath = (name: keyof typeof TARGET_ENTRIES): string => `${OUT_DIR}/${name}.mjs`;

/** Builds the bench's bundles; each runs in its own devkit Lambda host process. */
export async function bundleBenchTargets(): Promise<void> {
  for (const [name, entry] of Object.entries(TARGET_ENTRIES)) {
    await build(esbuildOptionsFor(entry, `${OUT_DIR}/${name}.mjs`));
  }
}
