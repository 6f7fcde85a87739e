import { build } from 'esbuild';
import { esbuildOptionsFor, HANDLER_ENTRY } from '../lib/bundling';

/** Writes dist/handler.mjs: the same bundle the CDK stack deploys. */
const result = await build({ ...esbuildOptionsFor(HANDLER_ENTRY, 'dist/handler.mjs'), metafile: true });
const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
console.log(`dist/handler.mjs: ${(bytes / 1024).toFixed(0)} KiB`);
