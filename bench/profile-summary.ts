import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Summarises the V8 CPU profiles written by `npm run bench -- --cpu-prof`: busy time per package
 * or source file, inclusive (a sample counts for every package on its synchronous stack) and self
 * (the sample's innermost package only). Native frames, such as socket writes, count as self time
 * of nobody but are part of the busy total.
 *
 *   npx tsx bench/profile-summary.ts dist/bench/profiles/ours [top]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [dir, top = '25'] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: profile-summary.ts <profile dir> [top]');
for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
  const profile: Profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((sample, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    if (byId.get(sample)?.callFrame.functionName === '(idle)') return;
    busy += micros;
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
      const group = groupOf(byId.get(id)?.callFrame);
      if (group && seen.size === 0) self.set(group, (self.get(group) ?? 0) + micros);
      if (group) seen.add(group);
    }
    for (const group of seen) inclusive.set(group, (inclusive.get(group) ?? 0) + micros);
  });
  const pct = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${(busy / 1_000).toFixed(0)} ms busy\ninclusive     self   package or file`);
  for (const [group, micros] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${pct(micros)}  ${pct(self.get(group) ?? 0)}   ${group}`);
  }
}

function groupOf(frame: ProfileNode['callFrame'] | undefined): string | undefined {
  // Native frames have no URL; socket writes are the one worth naming.
  if (frame === undefined || frame.url === '')
    return frame?.functionName === 'writev' ? 'socket writes' : undefined;
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1];
  const own = /\/((lambda|bench|dist)\/.+)$/.exec(frame.url);
  return own?.[1];
}
