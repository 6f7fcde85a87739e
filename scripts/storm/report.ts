import type { PlanFigures } from './figures';
import type { FaultPlan, ReplyMode } from './plans';

const perMessage = (n: number, messages: number) => (messages === 0 ? '0' : (n / messages).toFixed(2));

/** The published table: one row per plan, Markdown so it pastes into docs/RELIABILITY.md as is. */
export function summaryTable(rows: { plan: FaultPlan; mode: ReplyMode; figures: PlanFigures }[]): string {
  const header = [
    'plan',
    'mode',
    'messages',
    'deliveries',
    'replies',
    'duplicates',
    'misses',
    'terminal (window closed)',
    'ambiguous: settled by status / resent, first lost / resent, first delivered / open',
    'DynamoDB req/msg',
    'extra invocations',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const { plan, mode, figures: f } of rows) {
    const a = f.ambiguous;
    lines.push(
      `| ${[
        plan.expectsDuplicates ? `${plan.name} *` : plan.name,
        mode,
        f.messages,
        `${f.deliveries} (${f.copies} copies)`,
        f.replies,
        f.duplicates,
        f.misses,
        `${f.terminal} (${f.windowClosed})`,
        `${a.total}: ${a.confirmedByStatus} / ${a.resentNotDelivered} / ${a.resentDelivered} / ${a.open}`,
        perMessage(f.dynamoRequests, f.messages),
        f.extraInvocations,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The per-plan detail behind a row: what was injected, how Meta was answered, where requests went. */
export function planDetail(
  plan: FaultPlan,
  mode: ReplyMode,
  f: PlanFigures & { load: [number, number] },
): string {
  const list = (record: Record<string, number | undefined>) =>
    Object.entries(record)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') || 'none';
  const zombies = f.zombies;
  return [
    `### ${plan.name} (${mode}): ${plan.summary}`,
    `- injected: ${list(f.injected)}`,
    `- Meta: ${f.posts} POSTs; answers ${list(f.answers)}; gave up ${f.gaveUp}${f.finished ? '' : '; DID NOT FINISH'}`,
    `- DynamoDB requests: ${f.dynamoRequests} (${list(f.dynamoByOperation)})`,
    `- records: ${f.retakenMessages} needed more than one claim; ${f.unsettled} unsettled; terminal ${f.terminal} of ${f.expectedTerminal} expected (window closed ${f.windowClosed} of ${f.expectedWindowClosed})`,
    ...(zombies.started > 0
      ? [
          `- zombies: ${zombies.started}; resumed after takeover ${zombies.resumedAfterTakeover}, after settle ${zombies.resumedAfterSettle}, at cap ${zombies.resumedAtCap}`,
        ]
      : []),
    ...(f.duplicates > 0
      ? [`- duplicated messages the handler detected itself (DoubleReplies metric): ${f.detectedDuplicates}`]
      : []),
    ...(f.handlerThrew > 0 ? [`- handler threw ${f.handlerThrew} times`] : []),
    ...(plan.expectsDuplicates ? [`- expected duplicates: ${plan.expectsDuplicates}`] : []),
    `- took ${(f.durationMs / 1000).toFixed(1)} s; machine load average ${f.load[0].toFixed(1)} -> ${f.load[1].toFixed(1)}`,
  ].join('\n');
}

/** Whether a plan met the goal: no duplicate, no miss, every permanent failure terminal, nothing left open. */
export function verdict(plan: FaultPlan, f: PlanFigures): string[] {
  const problems: string[] = [];
  if (f.duplicates > 0 && !plan.expectsDuplicates) problems.push(`${f.duplicates} duplicates`);
  if (f.misses > 0) problems.push(`${f.misses} misses`);
  if (f.terminal !== f.expectedTerminal)
    problems.push(`terminal ${f.terminal}, expected ${f.expectedTerminal}`);
  if (f.windowClosed !== f.expectedWindowClosed)
    problems.push(`window closed ${f.windowClosed}, expected ${f.expectedWindowClosed}`);
  if (f.unsettled > 0) problems.push(`${f.unsettled} unsettled records`);
  if (f.gaveUp > 0) problems.push(`Meta gave up ${f.gaveUp} times`);
  if (f.handlerThrew > 0) problems.push(`handler threw ${f.handlerThrew} times`);
  if (!f.finished) problems.push('did not finish');
  return problems;
}

/** A failing message's timeline without the polling noise: reads dropped, repeated events counted. */
export function condensedTimeline(timeline: string[], limit = 40): string[] {
  const lines: string[] = [];
  let previous = '';
  let repeats = 0;
  const flush = () => {
    if (repeats > 0) lines.push(`    (and ${repeats} more like it)`);
    repeats = 0;
  };
  for (const entry of timeline) {
    const event = entry.replace(/^\d+ ms /, '');
    if (event.startsWith('dynamodb read')) continue;
    if (event === previous) {
      repeats++;
      continue;
    }
    flush();
    previous = event;
    lines.push(`    ${entry}`);
  }
  flush();
  return lines.length > limit ? [...lines.slice(0, limit), `    ... ${lines.length - limit} more`] : lines;
}
