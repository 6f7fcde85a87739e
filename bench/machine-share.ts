import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU ticks of the whole machine and of this process tree, from /proc (Linux only). */
export interface CpuTicks {
  busy: number;
  all: number;
  ownTree: number;
}

/**
 * How much of the machine other processes used while the bench ran. The load average cannot say:
 * the bench itself (DynamoDB Local, the workers, the driver) keeps two cores busy.
 */
export function cpuTicks(): CpuTicks | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const all = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: all - idle - iowait, all, ownTree: treeTicks(process.pid) };
}

/** Percent of the machine's CPU time used by this process tree and by everything else, between two readings. */
export function machineShare(before: CpuTicks | undefined, after: CpuTicks | undefined) {
  if (before === undefined || after === undefined || after.all === before.all) return undefined;
  const all = after.all - before.all;
  const own = after.ownTree - before.ownTree;
  const others = after.busy - before.busy - own;
  return { benchPct: round1((100 * own) / all), othersPct: round1((100 * Math.max(0, others)) / all) };
}

/** utime + stime of every live process under `root`, plus what exited children left in cutime + cstime. */
function treeTicks(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may itself contain spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(rest[1]);
      const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(rest[i] ?? 0));
      ticks.set(Number(entry), (utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process exited while we read /proc.
    }
  }
  let total = 0;
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    total += ticks.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
