/**
 * The esbuild settings of the webhook bundle, shared by `npm run build` and the CDK function so the
 * bundle you test locally is the bundle you deploy. Plain data: no CDK import, esbuild only as types.
 */
import type { BuildOptions } from 'esbuild';

export const HANDLER_ENTRY = 'lambda/handler.ts';
export const HANDLER_EXPORT = 'handler';

/** One bundle per function, each exporting `handler`: dist/<name>.mjs. */
export const FUNCTION_ENTRIES = {
  /** API Gateway HTTP API (v2) events; both reply modes. */
  webhook: HANDLER_ENTRY,
  /** Queued mode: DynamoDB stream events -> { batchItemFailures }. */
  worker: 'lambda/worker.ts',
  /** Queued mode: SQS re-drive events -> { batchItemFailures }. */
  redrive: 'lambda/redrive.ts',
} as const;

export const BUNDLING = {
  format: 'esm',
  platform: 'node',
  // The Lambda runtime (lib/service-function.ts: nodejs24.x), so esbuild lowers nothing that it supports.
  target: 'node24',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // Some dependencies still call require(); an ESM bundle needs one.
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  // Ship the pinned AWS SDK instead of the runtime's, so what was tested is what runs.
  external: [] as string[],
} as const;

/** esbuild options for one entry bundled exactly like the handler (npm run build, the benchmark's targets). */
export const esbuildOptionsFor = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: [entry],
  outfile,
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
  logLevel: 'warning',
});
