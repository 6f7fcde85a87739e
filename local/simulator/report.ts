import type { RunSummary } from './run-record';
import type { ScenarioResult } from './run-scenarios';
import type { StormProgress } from './storm';

const plural = (count: number, word: string, many = `${word}s`) => `${count} ${count === 1 ? word : many}`;

export function statusCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([status, count]) => `${status} x${count}`).join(', ');
}

/** `  ok    single         a single message          200 · 1 reply` */
export function scenarioLine(result: ScenarioResult): string {
  const verdict = result.skipped ? 'skip' : result.problems.length === 0 ? 'ok' : 'FAIL';
  const { summary } = result;
  const replies =
    summary.replies === undefined ? 'replies not visible' : plural(summary.replies.total, 'reply', 'replies');
  const detail = result.skipped ?? `${statusCounts(summary.statusCounts)} · ${replies}`;
  const lines = [`  ${verdict.padEnd(5)} ${result.name.padEnd(14)} ${result.title.padEnd(54)} ${detail}`];
  for (const problem of result.problems) lines.push(`          ! ${problem}`);
  return lines.join('\n');
}

/** The closing summary: what was sent, what came back, and what the sink saw. */
export function summaryBlock(
  summary: RunSummary,
  extra: { gaveUp?: number; elapsedMs?: number } = {},
): string {
  const { latencyMs: latency, replies } = summary;
  const lines = [
    'Summary',
    `  messages      ${summary.messages} (${summary.expectingReply} expecting a reply)`,
    `  deliveries    ${summary.requests} requests: ${plural(summary.duplicateDeliveries, 'duplicate')} of a message already delivered, ${plural(summary.redeliveries, 'redelivery', 'redeliveries')} after a non-200`,
    `  HTTP status   ${statusCounts(summary.statusCounts)}`,
    `  latency       p50 ${latency.p50} ms · p95 ${latency.p95} ms · p99 ${latency.p99} ms · max ${latency.max} ms`,
  ];
  if (extra.elapsedMs !== undefined && extra.elapsedMs > 0) {
    const rate = Math.round(summary.requests / (extra.elapsedMs / 1000));
    lines.push(`  throughput    ${rate} requests/s over ${(extra.elapsedMs / 1000).toFixed(1)} s`);
  }
  if (extra.gaveUp)
    lines.push(`  gave up       ${plural(extra.gaveUp, 'delivery', 'deliveries')} never answered 200`);
  lines.push(
    replies === undefined
      ? '  replies       not visible: no local Graph sink at this target (only HTTP answers are checked)'
      : `  replies       ${replies.total} at the sink: ${replies.answeredOnce} answered once, ${plural(replies.duplicateReplies, 'duplicate reply', 'duplicate replies')}, ${replies.missed} missed${replies.unexpected ? `, ${replies.unexpected} unexpected` : ''}`,
  );
  return lines.join('\n');
}

/** One line, rewritten in place on a terminal. */
export function progressLine(progress: StormProgress): string {
  const rate = progress.elapsedMs > 0 ? Math.round(progress.done / (progress.elapsedMs / 1000)) : 0;
  return `  storm: ${progress.done}/${progress.planned} deliveries · ${statusCounts(progress.statusCounts)} · ${progress.inFlight} in flight · ${rate}/s · ${(progress.elapsedMs / 1000).toFixed(1)} s`;
}
