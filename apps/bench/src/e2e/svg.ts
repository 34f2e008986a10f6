import { CEILING } from './contenders.js';
import type { BenchResult, ScenarioResult } from './orchestrate.js';
import { scenarios } from './scenarios.js';
import { CEILING_UNSTEADY } from './stats.js';

// A grouped bar chart, written by hand: one group per scenario, one bar per contender, every
// bar's height its median calls/s relative to raw's median (= 1.0, the dashed line), its value
// written above it, and a whisker from its slowest to its fastest run on the same scale. A
// scenario whose raw runs were too far apart (fastest ÷ slowest > CEILING_UNSTEADY) is greyed
// out with a note: its ratios divide by an unsteady number.

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
const GREY = '#ced4da';
const WARN = '#c92a2a';

function unsteady(s: ScenarioResult): boolean {
  return s.ceilingSpread !== null && s.ceilingSpread > CEILING_UNSTEADY;
}

/** A row's slowest and fastest run relative to raw's median, or null. */
function whisker(
  s: ScenarioResult,
  row: ScenarioResult['rows'][number] | undefined,
): { lo: number; hi: number } | null {
  const ceiling = s.rows.find((x) => x.contender === CEILING)?.callsPerSec ?? null;
  if (!row || !ceiling || row.minCallsPerSec === null || row.maxCallsPerSec === null) return null;
  if (row.runs.length < 2) return null;
  return { lo: row.minCallsPerSec / ceiling, hi: row.maxCallsPerSec / ceiling };
}

/** The contenders with a row in the scenario, in legend order: one bar slot each. */
function barNames(r: BenchResult, s: ScenarioResult): string[] {
  return r.contenders.map((c) => c.name).filter((name) => s.rows.some((x) => x.contender === name));
}

function groupWidth(names: readonly string[]): number {
  return Math.max(names.length, 1) * (BAR + BAR_GAP) - BAR_GAP;
}

export function toSvg(r: BenchResult): string {
  // Each group is as wide as its own bars: a transport's scenarios hold only its contenders.
  const groups = r.scenarios.map((s) => barNames(r, s));
  const groupX: number[] = [];
  let x0 = LEFT + 12;
  for (const names of groups) {
    groupX.push(x0);
    x0 += groupWidth(names) + GROUP_GAP;
  }
  const width = Math.max(x0 + 4, 640);
  const legendRows = Math.ceil(r.contenders.length / 3);
  const footnotes: string[] = [];
  if (r.scenarios.some(unsteady)) {
    footnotes.push(
      `Greyed out: ${CEILING}'s fastest run was more than ${CEILING_UNSTEADY}× its slowest, so that group's ratios are unreliable; rerun on a quiet machine.`,
    );
  }
  footnotes.push("Whiskers: each contender's slowest to fastest run, relative to raw's median.");
  if (r.scenarios.some((s) => scenarios.find((x) => x.id === s.id)?.transport !== 'tcp')) {
    footnotes.push(
      `http-* and ws-* groups: relative to ${CEILING} over the same transport (node:http + undici; ws); a – bar: the contender cannot do that scenario.`,
    );
  }
  const top0 = TOP + (r.warnings.length > 0 ? 14 : 0);
  const height = top0 + PLOT_H + 44 + legendRows * 20 + 12 + footnotes.length * 16;
  const values = r.scenarios.flatMap((s) =>
    s.rows.flatMap((row) => [row.vsRaw ?? 0, whisker(s, row)?.hi ?? 0]),
  );
  // Round the top of the scale up to the next quarter, and never below 1.25 so raw's line shows;
  // wide whiskers can push it up, so the grid steps widen to keep about a dozen lines at most.
  const top = Math.max(1.25, Math.ceil(Math.max(...values, 0) * 4 + 0.5) / 4);
  const step = top <= 3 ? 0.25 : top <= 6 ? 0.5 : 1;
  const y = (v: number) => top0 + PLOT_H - (v / top) * PLOT_H;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="600" fill="#212529">rerpc end-to-end: calls/s relative to ${CEILING} (= 1.0), higher is faster</text>`,
    `<text x="${LEFT}" y="40" font-size="11" fill="#495057">${esc(`Node ${r.machine.node} · ${r.machine.cpu} · ${r.machine.cores} cores · ${r.machine.date.slice(0, 10)} · ${r.mode} run, medians of ${r.settings.runs} runs`)}</text>`,
  );
  if (r.warnings.length > 0) {
    const load = r.machine.loadAverage[0] ?? 0;
    out.push(
      `<text x="${LEFT}" y="56" font-size="11" font-weight="600" fill="${WARN}" data-warning="load">${esc(`Warning: load average ${load.toFixed(2)} above ${r.machine.cores} cores at the start; numbers are noisy`)}</text>`,
    );
  }
  // Grid and axis labels every `step` (0.25 on a steady run).
  for (let v = 0; v <= top + 1e-9; v += step) {
    const gy = y(v).toFixed(1);
    const isOne = Math.abs(v - 1) < 1e-9;
    out.push(
      `<line x1="${LEFT}" x2="${width - 16}" y1="${gy}" y2="${gy}" stroke="${isOne ? '#495057' : '#e9ecef'}" stroke-width="1"${isOne ? ' stroke-dasharray="5 4"' : ''}/>`,
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#868e96">${v.toFixed(2)}</text>`,
    );
  }
  r.scenarios.forEach((s, gi) => {
    const names = groups[gi]!;
    const gx = groupX[gi]!;
    const groupW = groupWidth(names);
    const grey = unsteady(s);
    out.push(
      grey
        ? `<g data-scenario="${esc(s.id)}" data-unsteady="true" opacity="0.6">`
        : `<g data-scenario="${esc(s.id)}">`,
    );
    names.forEach((name, bi) => {
      const row = s.rows.find((x) => x.contender === name);
      const color = grey ? GREY : (r.contenders.find((c) => c.name === name)?.color ?? '#adb5bd');
      const x = gx + bi * (BAR + BAR_GAP);
      const cx = x + BAR / 2;
      const v = row?.vsRaw ?? null;
      if (v === null) {
        out.push(
          `<text transform="translate(${cx + 3},${y(0) - 4}) rotate(-90)" font-size="10" fill="#adb5bd">${row?.status === 'skipped' ? 'skipped' : row?.status === 'unsupported' ? '–' : 'n/a'}</text>`,
        );
        return;
      }
      const barTop = y(v);
      const w = whisker(s, row);
      const range = w ? `, runs ${w.lo.toFixed(2)}–${w.hi.toFixed(2)}×` : '';
      out.push(
        `<rect x="${x}" y="${barTop.toFixed(1)}" width="${BAR}" height="${(y(0) - barTop).toFixed(1)}" fill="${color}"><title>${esc(`${s.id} · ${name}: ${v.toFixed(2)}× raw${range}, ${Math.round(row?.callsPerSec ?? 0)} calls/s`)}</title></rect>`,
      );
      let labelAt = barTop;
      if (w) {
        const lo = y(w.lo).toFixed(1);
        const hi = y(w.hi).toFixed(1);
        out.push(
          `<path data-whisker="${esc(name)}" d="M${cx} ${lo}V${hi}M${cx - 4} ${lo}h8M${cx - 4} ${hi}h8" stroke="#212529" stroke-width="1.2" fill="none"/>`,
        );
        labelAt = Math.min(barTop, y(w.hi));
      }
      out.push(
        `<text transform="translate(${cx + 3.5},${(labelAt - 4).toFixed(1)}) rotate(-90)" font-size="10" fill="#212529">${v.toFixed(2)}</text>`,
      );
    });
    out.push(
      `<text x="${gx + groupW / 2}" y="${top0 + PLOT_H + 18}" font-size="12" font-weight="600" text-anchor="middle" fill="#212529">${esc(s.id)}</text>`,
    );
    if (grey) {
      out.push(
        `<text x="${gx + groupW / 2}" y="${top0 + PLOT_H + 31}" font-size="9" text-anchor="middle" fill="${WARN}">${esc(`unreliable: ${CEILING} runs ${s.ceilingSpread!.toFixed(1)}× apart`)}</text>`,
      );
    }
    out.push('</g>');
  });
  out.push(
    `<line x1="${LEFT}" x2="${width - 16}" y1="${y(0)}" y2="${y(0)}" stroke="#495057" stroke-width="1"/>`,
  );
  // Legend, three per row, then the footnotes.
  const legendTop = top0 + PLOT_H + 44;
  const colW = Math.floor((width - LEFT - 16) / 3);
  r.contenders.forEach((c, i) => {
    const lx = LEFT + (i % 3) * colW;
    const ly = legendTop + Math.floor(i / 3) * 20;
    out.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${c.color}"/>`,
      `<text x="${lx + 18}" y="${ly + 10}" font-size="12" fill="#212529">${esc(c.name)}</text>`,
    );
  });
  const notesTop = legendTop + legendRows * 20 + 12;
  footnotes.forEach((note, i) => {
    out.push(
      `<text x="${LEFT}" y="${notesTop + i * 16}" font-size="11" fill="#495057">${esc(note)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
