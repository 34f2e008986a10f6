import { median } from '../e2e/stats.js';
import type { HostileResults } from './run.js';

interface Row {
  scenario: string;
  metric: string;
  values(r: HostileResults): number[];
  digits: number;
}

const rows: Row[] = [
  ...(['ndjson', 'contentLength'] as const).flatMap((f): Row[] => {
    const name = f === 'ndjson' ? 'drip (NDJSON)' : 'drip (Content-Length)';
    return [
      {
        scenario: name,
        metric: 'RSS bytes per byte held',
        values: (r) => r.drip[f].map((d) => d.rssPerByte),
        digits: 1,
      },
      {
        scenario: name,
        metric: 'RSS bytes per byte, second half of the drip',
        values: (r) => r.drip[f].map((d) => d.rssPerByteSecondHalf),
        digits: 1,
      },
      {
        scenario: name,
        metric: 'heap + external bytes per byte held',
        values: (r) => r.drip[f].map((d) => d.heapExternalPerByte),
        digits: 1,
      },
      {
        scenario: name,
        metric: 'bytes per server read',
        values: (r) => r.drip[f].map((d) => d.bytesPerRead),
        digits: 2,
      },
    ];
  }),
  {
    scenario: 'deep',
    metric: 'server CPU per deep frame, ms',
    values: (r) => r.deep.map((d) => d.deep.cpuMsPerFrame),
    digits: 1,
  },
  {
    scenario: 'deep',
    metric: 'server CPU per flat frame, ms',
    values: (r) => r.deep.map((d) => d.flat.cpuMsPerFrame),
    digits: 1,
  },
  {
    scenario: 'deep',
    metric: 'other conn. ping p99, idle, ms',
    values: (r) => r.deep.map((d) => d.idle.p99),
    digits: 2,
  },
  {
    scenario: 'deep',
    metric: 'ping p50 during flat frames, ms',
    values: (r) => r.deep.map((d) => d.flat.ping.p50),
    digits: 2,
  },
  {
    scenario: 'deep',
    metric: 'ping p99 during flat frames, ms',
    values: (r) => r.deep.map((d) => d.flat.ping.p99),
    digits: 2,
  },
  {
    scenario: 'deep',
    metric: 'ping p50 during deep frames, ms',
    values: (r) => r.deep.map((d) => d.deep.ping.p50),
    digits: 2,
  },
  {
    scenario: 'deep',
    metric: 'ping p99 during deep frames, ms',
    values: (r) => r.deep.map((d) => d.deep.ping.p99),
    digits: 2,
  },
  {
    scenario: 'deep',
    metric: 'ping max during deep frames, ms',
    values: (r) => r.deep.map((d) => d.deep.ping.max),
    digits: 1,
  },
  {
    scenario: 'starve',
    metric: 'other conn. ping p99, idle, ms',
    values: (r) => r.starve.map((s) => s.idle.p99),
    digits: 2,
  },
  {
    scenario: 'starve',
    metric: 'ping p50 while starved, ms',
    values: (r) => r.starve.map((s) => s.attacked.p50),
    digits: 2,
  },
  {
    scenario: 'starve',
    metric: 'ping p99 while starved, ms',
    values: (r) => r.starve.map((s) => s.attacked.p99),
    digits: 2,
  },
  {
    scenario: 'starve',
    metric: 'ping max while starved, ms',
    values: (r) => r.starve.map((s) => s.attacked.max),
    digits: 1,
  },
  {
    scenario: 'starve',
    metric: 'pings with no answer within stallMs',
    values: (r) => r.starve.map((s) => s.stalled),
    digits: 0,
  },
  { scenario: 'close', metric: 'calls', values: (r) => r.close.map((c) => c.calls), digits: 0 },
  { scenario: 'close', metric: 'succeeded', values: (r) => r.close.map((c) => c.ok), digits: 0 },
  {
    scenario: 'close',
    metric: 'failed "not run"',
    values: (r) => r.close.map((c) => c.notRun),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: 'failed "may have run"',
    values: (r) => r.close.map((c) => c.mayHaveRun),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: '… of which did not run',
    values: (r) => r.close.map((c) => c.mayHaveRun - c.mayHaveRunRan),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: '"not run" that ran (must be 0)',
    values: (r) => r.close.map((c) => c.notRunButRan),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: 'calls run twice',
    values: (r) => r.close.map((c) => c.ranTwice),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: 'unsettled 35 s after the load',
    values: (r) => r.close.map((c) => c.hung),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: 'read by the closing server, never answered',
    values: (r) => r.close.flatMap((c) => (c.first === null ? [] : [c.first.lost])),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: 'reached the closing server after its FIN',
    values: (r) => r.close.flatMap((c) => (c.first === null ? [] : [c.first.afterFin])),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: 'answered -32002 by the closing server',
    values: (r) => r.close.flatMap((c) => (c.first === null ? [] : [c.first.refused])),
    digits: 0,
  },
  {
    scenario: 'close',
    metric: 'SIGTERM to exit, ms',
    values: (r) => r.close.map((c) => c.exitMs),
    digits: 0,
  },
];

function format(value: number, digits: number): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** `median (min–max)` of the runs, or the single value; `–` when there is none. */
export function cell(values: readonly number[], digits: number): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '–';
  if (finite.length === 1) return format(finite[0]!, digits);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const m = format(median(finite), digits);
  return lo === hi ? m : `${m} (${format(lo, digits)}–${format(hi, digits)})`;
}

/** Labels in the order old, new, then the rest alphabetically. */
export function orderLabels(labels: readonly string[]): string[] {
  const rank = (l: string) => (l === 'old' ? 0 : l === 'new' ? 1 : 2);
  return [...labels].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** One Markdown table: a row per metric, a column per build; rows no build measured are left out. */
export function markdownTable(results: readonly HostileResults[]): string {
  const byLabel = new Map(results.map((r) => [r.label, r]));
  const labels = orderLabels([...byLabel.keys()]);
  const head = `| scenario | metric | ${labels.map((l) => `${l} (runs: median (min–max))`).join(' | ')} |`;
  const rule = `| --- | --- | ${labels.map(() => '--:').join(' | ')} |`;
  const lines = [head, rule];
  for (const row of rows) {
    const cells = labels.map((l) => cell(row.values(byLabel.get(l)!), row.digits));
    if (cells.every((c) => c === '–')) continue;
    lines.push(`| ${row.scenario} | ${row.metric} | ${cells.join(' | ')} |`);
  }
  const perRun = closePerRun(labels.map((l) => byLabel.get(l)!));
  const notes = labels.map((l) => {
    const r = byLabel.get(l)!;
    return `- ${l}: ${r.date}, Node ${r.node}, ${r.machine.cpus} × ${r.machine.model} (load ${r.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}), server ${r.server}`;
  });
  return `${lines.join('\n')}\n\n${perRun}${notes.join('\n')}\n`;
}

/** `close`, one row per run: the counts behind the medians above. */
function closePerRun(results: readonly HostileResults[]): string {
  const rows: string[] = [];
  for (const r of results) {
    r.close.forEach((c, i) => {
      const n = (v: number | undefined) => (v === undefined ? '–' : format(v, 0));
      rows.push(
        `| ${r.label} | ${i + 1} | ${n(c.calls)} | ${n(c.ok)} | ${n(c.notRun)} | ${n(c.mayHaveRun)} | ${n(c.mayHaveRunRan)} | ${n(c.notRunButRan)} | ${n(c.hung)} | ${n(c.first?.lost)} | ${n(c.first?.afterFin)} | ${n(c.first?.refused)} |`,
      );
    });
  }
  if (rows.length === 0) return '';
  return `${[
    '| close: build | run | calls | ok | not run | may have run | … ran | "not run" that ran | unsettled | read, never answered | after FIN | -32002 |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rows,
  ].join('\n')}\n\n`;
}
