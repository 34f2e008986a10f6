import { CEILING } from './contenders.js';
import type { BenchResult } from './orchestrate.js';

// A grouped bar chart, written by hand: one group per scenario, one bar per contender, every
// bar's height its calls/s relative to raw (= 1.0, the dashed line), its value written above it.

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const BAR = 18;
const BAR_GAP = 4;
const GROUP_GAP = 34;
const LEFT = 56;
const TOP = 64;
const PLOT_H = 260;

export function toSvg(r: BenchResult): string {
  const names = r.contenders.map((c) => c.name);
  const groupW = names.length * (BAR + BAR_GAP) - BAR_GAP;
  const width = Math.max(LEFT + r.scenarios.length * (groupW + GROUP_GAP) + 16, 640);
  const legendRows = Math.ceil(names.length / 3);
  const height = TOP + PLOT_H + 44 + legendRows * 20 + 12;
  const values = r.scenarios.flatMap((s) => s.rows.map((row) => row.vsRaw ?? 0));
  // Round the top of the scale up to the next quarter, and never below 1.25 so raw's line shows.
  const top = Math.max(1.25, Math.ceil(Math.max(...values, 0) * 4 + 0.5) / 4);
  const y = (v: number) => TOP + PLOT_H - (v / top) * PLOT_H;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="600" fill="#212529">rerpc end-to-end: calls/s relative to ${CEILING} (= 1.0), higher is faster</text>`,
    `<text x="${LEFT}" y="40" font-size="11" fill="#495057">${esc(`Node ${r.machine.node} · ${r.machine.cpu} · ${r.machine.cores} cores · ${r.machine.date.slice(0, 10)} · ${r.mode} run, medians of ${r.settings.runs} runs`)}</text>`,
  );
  // Grid and axis labels every 0.25.
  for (let v = 0; v <= top + 1e-9; v += 0.25) {
    const gy = y(v).toFixed(1);
    const isOne = Math.abs(v - 1) < 1e-9;
    out.push(
      `<line x1="${LEFT}" x2="${width - 16}" y1="${gy}" y2="${gy}" stroke="${isOne ? '#495057' : '#e9ecef'}" stroke-width="1"${isOne ? ' stroke-dasharray="5 4"' : ''}/>`,
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#868e96">${v.toFixed(2)}</text>`,
    );
  }
  r.scenarios.forEach((s, gi) => {
    const gx = LEFT + 12 + gi * (groupW + GROUP_GAP);
    names.forEach((name, bi) => {
      const row = s.rows.find((x) => x.contender === name);
      const color = r.contenders.find((c) => c.name === name)?.color ?? '#adb5bd';
      const x = gx + bi * (BAR + BAR_GAP);
      const cx = x + BAR / 2;
      const v = row?.vsRaw ?? null;
      if (v === null) {
        out.push(
          `<text transform="translate(${cx + 3},${y(0) - 4}) rotate(-90)" font-size="10" fill="#adb5bd">${row?.status === 'skipped' ? 'skipped' : 'n/a'}</text>`,
        );
        return;
      }
      const barTop = y(v);
      out.push(
        `<rect x="${x}" y="${barTop.toFixed(1)}" width="${BAR}" height="${(y(0) - barTop).toFixed(1)}" fill="${color}"><title>${esc(`${s.id} · ${name}: ${v.toFixed(2)}× raw, ${Math.round(row?.callsPerSec ?? 0)} calls/s`)}</title></rect>`,
        `<text transform="translate(${cx + 3.5},${(barTop - 4).toFixed(1)}) rotate(-90)" font-size="10" fill="#212529">${v.toFixed(2)}</text>`,
      );
    });
    out.push(
      `<text x="${gx + groupW / 2}" y="${TOP + PLOT_H + 18}" font-size="12" font-weight="600" text-anchor="middle" fill="#212529">${esc(s.id)}</text>`,
    );
  });
  out.push(
    `<line x1="${LEFT}" x2="${width - 16}" y1="${y(0)}" y2="${y(0)}" stroke="#495057" stroke-width="1"/>`,
  );
  // Legend, three per row.
  const legendTop = TOP + PLOT_H + 40;
  const colW = Math.floor((width - LEFT - 16) / 3);
  r.contenders.forEach((c, i) => {
    const lx = LEFT + (i % 3) * colW;
    const ly = legendTop + Math.floor(i / 3) * 20;
    out.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${c.color}"/>`,
      `<text x="${lx + 18}" y="${ly + 10}" font-size="12" fill="#212529">${esc(c.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
