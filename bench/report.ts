import {
  type BenchResult,
  type Check,
  COMPARED_TARGETS,
  gbSecondsPerMessage,
  type SlowBotResult,
  type TargetName,
  type TargetResult,
} from './results';
import type { Percentiles } from './stats';

const ORDER: TargetName[] = ['ours', 'queued', 'baseline', 'none'];
const RATIO_HEADERS = ['ours ÷ Powertools', 'queued ÷ Powertools', 'none ÷ Powertools'];

const n = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const pct = (value: number) => `${n(value, 1)} %`;
const ms = (p: Percentiles) => `${n(p.p50, 1)} / ${n(p.p95, 1)} / ${n(p.p99, 1)}`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

interface Row<T> {
  figure: string;
  cell: (t: T) => string;
  /** The ratio key in `BenchResult.ratios`, when the figure has one. */
  ratio?: string | [string, string] | [string, string, string];
}

/** The storm rows of both passes (the slow-bot pass runs the storm only). */
const STORM_ROWS: Row<SlowBotResult>[] = [
  {
    figure: 'storm: DynamoDB requests per message',
    cell: (t) => n(t.storm.requestsPerMessage),
    ratio: 'requestsPerMessage',
  },
  { figure: 'storm: DynamoDB requests per delivery', cell: (t) => n(t.storm.requestsPerDelivery) },
  { figure: 'storm: writes (Put/Update/DeleteItem) per message', cell: (t) => n(t.storm.writesPerMessage) },
  { figure: 'storm: reads (GetItem) per message', cell: (t) => n(t.storm.readsPerMessage) },
  {
    figure: 'storm: extra invocations from non-2xx answers',
    cell: (t) => `${pct(t.storm.extraInvocationsPct)} (${t.storm.redeliveries})`,
  },
  {
    figure: 'storm: replies per message (extra replies)',
    cell: (t) => `${n(t.storm.repliesPerMessage)} (${t.storm.extraReplies})`,
  },
  {
    figure: 'storm: latency first deliveries p50 / p95 / p99 ms',
    cell: (t) => ms(t.storm.latencyFirstMs),
    ratio: ['latencyFirstP50', 'latencyFirstP95', 'latencyFirstP99'],
  },
  {
    figure: '… of those, messages without a simultaneous copy',
    cell: (t) => ms(t.storm.latencyFirstUncontendedMs),
    ratio: ['latencyFirstUncontendedP50', 'latencyFirstUncontendedP95', 'latencyFirstUncontendedP99'],
  },
  {
    figure: 'storm: latency copies p50 / p95 / p99 ms',
    cell: (t) => ms(t.storm.latencyCopiesMs),
    ratio: ['latencyCopiesP50', 'latencyCopiesP95', 'latencyCopiesP99'],
  },
  {
    figure: 'storm: handler ms per message (all its deliveries)',
    cell: (t) => n(t.storm.handlerMsPerMessage, 1),
    ratio: 'handlerMsPerMessage',
  },
  {
    figure: 'storm: CPU ms per delivery',
    cell: (t) => n(t.storm.cpuMsPerDelivery),
    ratio: 'cpuMsPerDelivery',
  },
  { figure: 'storm: CPU ms per message', cell: (t) => n(t.storm.cpuMsPerMessage), ratio: 'cpuMsPerMessage' },
  {
    figure: 'storm: first delivery to Graph send p50 / p95 / p99 ms',
    cell: (t) => ms(t.storm.sendDelayMs),
    ratio: ['sendDelayP50', 'sendDelayP95'],
  },
  {
    figure: 'storm: Lambda GB-s per message, all functions (x 1,000)',
    cell: (t) => n(1_000 * gbSecondsPerMessage(t.usage), 3),
    ratio: 'gbSecondsPerMessage',
  },
  { figure: 'storm: worker + redrive invocations (billed ms)', cell: (t) => queuedFunctions(t) },
];

/** The main pass adds the request probe, saturation and cold start rows. */
const ROWS: Row<TargetResult>[] = [
  { figure: 'DynamoDB requests: first delivery, alone', cell: (t) => String(t.probe.firstDelivery) },
  {
    figure: 'DynamoDB requests: duplicate after completion (reads)',
    cell: (t) => `${t.probe.duplicateAfterCompletion} (${t.probe.duplicateReads})`,
  },
  {
    figure: 'DynamoDB requests: copy during the first, until 2xx (invocations)',
    cell: (t) => `${t.probe.inFlightCopy} (${t.probe.inFlightCopyInvocations})`,
  },
  ...STORM_ROWS,
  {
    figure: 'saturation: deliveries/s',
    cell: (t) => n(t.throughput.deliveriesPerSecond, 0),
    ratio: 'deliveriesPerSecond',
  },
  {
    figure: 'saturation: messages/s',
    cell: (t) => n(t.throughput.messagesPerSecond, 0),
    ratio: 'messagesPerSecond',
  },
  { figure: 'bundle size', cell: (t) => kb(t.coldStart.bundleBytes), ratio: 'bundleBytes' },
  { figure: 'module init, median ms', cell: (t) => n(t.coldStart.initMsMedian, 0), ratio: 'initMs' },
];

/** The results as Markdown tables (printed, and pasted into docs/BENCHMARKS.md) plus the target checks. */
export function resultTable(result: BenchResult): string {
  const main = table(
    ORDER.map((name) => result.targets[name]),
    ROWS,
    result.ratios,
  );
  const slowBot = result.slowBot;
  const slow = slowBot
    ? [
        '',
        `Slow-bot pass: the storm again, every bot composing for ${slowBot.botDelayMs} ms.`,
        '',
        ...table(
          ORDER.map((name) => slowBot.targets[name]),
          STORM_ROWS,
          slowBot.ratios,
        ),
      ]
    : [];
  return [
    ...main,
    ...slow,
    '',
    ...checkTable('target (inline mode vs Powertools)', result.checks),
    '',
    ...checkTable('target (queued mode, issue #11)', result.queuedChecks),
  ].join('\n');
}

function table<T extends { label: string }>(
  targets: T[],
  rows: Row<T>[],
  ratios: BenchResult['ratios'],
): string[] {
  const ratioCell = (row: Row<T>, of: (typeof COMPARED_TARGETS)[number]) => {
    if (row.ratio === undefined) return '';
    const keys = Array.isArray(row.ratio) ? row.ratio : [row.ratio];
    return keys.map((key) => n(ratios[of][key] ?? Number.NaN)).join(' / ');
  };
  return [
    `| figure | ${targets.map((t) => t.label).join(' | ')} | ${RATIO_HEADERS.join(' | ')} |`,
    `|---|${targets.map(() => '--:').join('|')}|${RATIO_HEADERS.map(() => '--:').join('|')}|`,
    ...rows.map(
      (row) =>
        `| ${row.figure} | ${targets.map((t) => row.cell(t)).join(' | ')} | ${COMPARED_TARGETS.map((of) => ratioCell(row, of)).join(' | ')} |`,
    ),
  ];
}

function checkTable(title: string, checks: Check[]): string[] {
  const met = (c: Check) => (c.met === 'reported' ? '-' : c.met ? 'yes' : '**no**');
  return [
    `| ${title} | wanted | measured | met |`,
    '|---|---|---|:-:|',
    ...checks.map((c) => `| ${c.target} | ${c.wanted} | ${c.measured} | ${met(c)} |`),
  ];
}

/** Queued mode's other two functions: invocations and billed ms, worker + redrive. */
function queuedFunctions(t: SlowBotResult): string {
  const { worker, redrive } = t.usage.lambda;
  if (worker === undefined || redrive === undefined) return '-';
  return `${worker.invocations} + ${redrive.invocations} (${worker.billedMs} + ${redrive.billedMs})`;
}
