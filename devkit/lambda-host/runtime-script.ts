import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * child-runtime.ts bundled to plain JavaScript, so the child needs no TypeScript loader and runs under
 * any node. Named by its content and renamed into place, so hosts started in parallel share one file.
 */
export async function runtimeScript(): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [join(ROOT, 'devkit/lambda-host/child-runtime.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    // The host's child runs under the development node as well as the Lambda runtime's: the oldest engines allows.
    target: 'node20',
    logLevel: 'warning',
  });
  const code = outputFiles[0]?.contents;
  if (code === undefined) throw new Error('esbuild produced no Lambda runtime');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const path = join(ROOT, 'dist', 'devkit', `lambda-runtime-${hash}.mjs`);
  if (!existsSync(path)) {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, code);
    await rename(temporary, path);
  }
  return path;
}
