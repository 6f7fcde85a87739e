import { COST_PARTS, type CostPart } from './cost';
import type { BenchResult, TargetName, TargetResult } from './results';
import { sum } from './stats';

const PART_LABEL: Record<CostPart, string> = {
  apiGateway: 'API Gateway HTTP API requests',
  lambdaRequests: 'Lambda requests',
  lambdaDuration: 'Lambda duration (GB-s, arm64)',
  dynamoDbWrites: 'DynamoDB write request units',
  dynamoDbReads: 'DynamoDB read request units',
  logs: 'CloudWatch Logs ingestion',
  sqs: 'SQS requests',
};

const usd = (value: number) => (Number.isFinite(value) ? `$${value.toFixed(2)}` : '-');
const n = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

interface Row {
  figure: string;
  cell: (t: TargetResult) => string;
}

const perMessage = (t: TargetResult, count: number) => count / t.cost.usage.messages;

const ROWS: Row[] = [
  {
    figure: 'webhook POSTs per message (copies, redeliveries, statuses)',
    cell: (t) => n(perMessage(t, t.cost.usage.apiRequests)),
  },
  { figure: '… of those, status webhooks', cell: (t) => n(t.cost.statusesPerMessage) },
  {
    figure: 'DynamoDB write / read request units per message',
    cell: (t) => `${n(t.cost.writeUnitsPerMessage)} / ${n(t.cost.readUnitsPerMessage)}`,
  },
  {
    figure: 'billed Lambda ms per message',
    cell: (t) => n(perMessage(t, sum(Object.values(t.usage.lambda).map((f) => f.billedMs))), 1),
  },
  {
    figure: 'log bytes per message, storm (copies, waits, takeovers)',
    cell: (t) => n(t.cost.logBytesPerMessage, 0),
  },
  {
    figure: 'log bytes per message, steady state (one delivery, three statuses)',
    cell: (t) => n(t.cost.steadyLogBytesPerMessage, 0),
  },
  ...COST_PARTS.map((part) => ({
    figure: `${PART_LABEL[part]}, $ per million messages`,
    cell: (t: TargetResult) => usd(t.cost.cost.parts[part]),
  })),
  { figure: '**total, $ per million messages**', cell: (t) => `**${usd(t.cost.cost.totalUsd)}**` },
];

/** The storm priced per million messages, per target, with the usage behind each part. */
export function costTable(result: BenchResult, order: TargetName[]): string {
  const targets = order.map((name) => result.targets[name]);
  const baseline = result.targets.baseline;
  return [
    `| cost per million messages (storm, Meta's statuses included) | ${targets.map((t) => t.label).join(' | ')} |`,
    `|---|${targets.map(() => '--:').join('|')}|`,
    ...ROWS.map((row) => `| ${row.figure} | ${targets.map((t) => row.cell(t)).join(' | ')} |`),
    `| total ÷ Powertools | ${targets.map((t) => n(t.cost.cost.totalUsd / baseline.cost.cost.totalUsd)).join(' | ')} |`,
  ].join('\n');
}
