import { costTable } from './cost-report';
import type { BenchResult, TargetName, TargetResult } from './results';
import type { Percentiles } from './stats';

const ORDER: TargetName[] = ['ours', 'baseline', 'none'];

const n = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const pct = (value: number) => `${n(value, 1)} %`;
const ms = (p: Percentiles) => `${n(p.p50, 1)} / ${n(p.p95, 1)} / ${n(p.p99, 1)}`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

interface Row {
  figure: string;
  cell: (t: TargetResult) => string;
  /** The ratio key in `BenchResult.ratios`, when the figure has one. */
  ratio?: string | [string, string, string];
}

const ROWS: Row[] = [
  { figure: 'DynamoDB requests: first delivery, alone', cell: (t) => String(t.probe.firstDelivery) },
  {
    figure: 'DynamoDB requests: duplicate after completion (reads)',
    cell: (t) => `${t.probe.duplicateAfterCompletion} (${t.probe.duplicateReads})`,
  },
  {
    figure: 'DynamoDB requests: copy during the first, until 2xx (invocations)',
    cell: (t) => `${t.probe.inFlightCopy} (${t.probe.inFlightCopyInvocations})`,
  },
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

/** The results as a Markdown table (printed, and pasted into docs/BENCHMARKS.md) plus the target checks. */
export function resultTable(result: BenchResult): string {
  const targets = ORDER.map((name) => result.targets[name]);
  const ratioCell = (row: Row, of: 'ours' | 'none') => {
    if (row.ratio === undefined) return '';
    const keys = Array.isArray(row.ratio) ? row.ratio : [row.ratio];
    return keys.map((key) => n(result.ratios[of][key] ?? Number.NaN)).join(' / ');
  };
  const lines = [
    `| figure | ${targets.map((t) => t.label).join(' | ')} | ours ÷ Powertools | none ÷ Powertools |`,
    `|---|${targets.map(() => '--:').join('|')}|--:|--:|`,
    ...ROWS.map(
      (row) =>
        `| ${row.figure} | ${targets.map((t) => row.cell(t)).join(' | ')} | ${ratioCell(row, 'ours')} | ${ratioCell(row, 'none')} |`,
    ),
  ];
  const checks = [
    '| target (this project vs Powertools) | wanted | measured | met |',
    '|---|---|---|:-:|',
    ...result.checks.map(
      (c) => `| ${c.target} | ${c.wanted} | ${c.measured} | ${c.met ? 'yes' : '**no**'} |`,
    ),
  ];
  return [...lines, '', costTable(result, ORDER), '', ...checks].join('\n');
}
