import { build } from 'esbuild';
import { BUNDLING, HANDLER_ENTRY } from '../lib/bundling';

/** Writes dist/handler.mjs: the same bundle the CDK stack deploys. */
const result = await build({
  entryPoints: [HANDLER_ENTRY],
  outfile: 'dist/handler.mjs',
  bundle: true,
  format: BUNDLING.format,
  platform: BUNDLING.platform,
  target: BUNDLING.target,
  minify: BUNDLING.minify,
  sourcemap: BUNDLING.sourcemap,
  sourcesContent: BUNDLING.sourcesContent,
  mainFields: [...BUNDLING.mainFields],
  banner: { js: BUNDLING.banner },
  external: [...BUNDLING.external],
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
console.log(`dist/handler.mjs: ${(bytes / 1024).toFixed(0)} KiB`);
