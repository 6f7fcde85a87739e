import type { Percentiles } from './stats';

export interface ChartSeries {
  label: string;
  color: string;
  first: Percentiles;
  copies: Percentiles;
}

const WIDTH = 820;
const HEIGHT = 380;
const PANEL_TOP = 70;
const PANEL_BOTTOM = 320;
const PANEL_WIDTH = 360;
const PANELS = [
  { title: 'First deliveries', pick: (s: ChartSeries) => s.first, left: 50 },
  { title: 'Copies and redeliveries', pick: (s: ChartSeries) => s.copies, left: 450 },
] as const;
const LEVELS = ['p50', 'p95', 'p99'] as const;

/** A hand-written SVG: handler latency percentiles per target, first deliveries and copies side by side. */
export function latencyChart(series: ChartSeries[], subtitle: string): string {
  const values = series.flatMap((s) =>
    PANELS.flatMap((panel) => LEVELS.map((level) => panel.pick(s)[level])),
  );
  const top = niceCeiling(Math.max(1, ...values.filter(Number.isFinite)));
  const y = (ms: number) => PANEL_BOTTOM - ((PANEL_BOTTOM - PANEL_TOP) * ms) / top;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>Handler latency p50, p95 and p99 per target: ${escapeXml(subtitle)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">Handler latency (ms), lower is better</text>`,
    `<text x="${WIDTH / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  for (const panel of PANELS) {
    parts.push(
      `<text x="${panel.left + PANEL_WIDTH / 2}" y="${PANEL_TOP - 10}" text-anchor="middle" font-weight="bold">${panel.title}</text>`,
    );
    const ticks = top % 4 === 0 ? 4 : 5;
    for (let tick = 0; tick <= ticks; tick++) {
      const ms = (top * tick) / ticks;
      parts.push(
        `<line x1="${panel.left}" x2="${panel.left + PANEL_WIDTH}" y1="${y(ms)}" y2="${y(ms)}" stroke="#e5e5e5"/>`,
        `<text x="${panel.left - 6}" y="${y(ms) + 4}" text-anchor="end" fill="#555">${top >= 10 ? Math.round(ms) : format(ms)}</text>`,
      );
    }
    const groupWidth = PANEL_WIDTH / LEVELS.length;
    const barWidth = (groupWidth - 24) / series.length;
    LEVELS.forEach((level, g) => {
      const groupLeft = panel.left + g * groupWidth + 12;
      parts.push(
        `<text x="${groupLeft + (groupWidth - 24) / 2}" y="${PANEL_BOTTOM + 18}" text-anchor="middle">${level}</text>`,
      );
      series.forEach((s, i) => {
        const ms = panel.pick(s)[level];
        if (!Number.isFinite(ms)) return;
        const x = groupLeft + i * barWidth;
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y(ms).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(PANEL_BOTTOM - y(ms)).toFixed(1)}" fill="${s.color}"/>`,
          `<text x="${(x + (barWidth - 2) / 2).toFixed(1)}" y="${(y(ms) - 3).toFixed(1)}" text-anchor="middle" font-size="10">${format(ms)}</text>`,
        );
      });
    });
    parts.push(
      `<line x1="${panel.left}" x2="${panel.left + PANEL_WIDTH}" y1="${PANEL_BOTTOM}" y2="${PANEL_BOTTOM}" stroke="#333"/>`,
    );
  }
  series.forEach((s, i) => {
    const x = 50 + i * 200;
    parts.push(
      `<rect x="${x}" y="${HEIGHT - 30}" width="14" height="14" fill="${s.color}"/>`,
      `<text x="${x + 20}" y="${HEIGHT - 19}">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((f) => f * magnitude >= value) ?? 10;
  return step * magnitude;
}

const format = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
