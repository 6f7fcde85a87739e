import { basename } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptionsFor, FUNCTION_ENTRIES } from '../lib/bundling';

/** Writes dist/handler.mjs, dist/worker.mjs, dist/redrive.mjs: the same bundles the CDK stack deploys. */
for (const entry of Object.values(FUNCTION_ENTRIES)) {
  const outfile = `dist/${basename(entry, '.ts')}.mjs`;
  const result = await build({ ...esbuildOptionsFor(entry, outfile), metafile: true });
  const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
  console.log(`${outfile}: ${(bytes / 1024).toFixed(0)} KiB`);
}
