import type { BenchResult, Row, ScenarioResult } from './orchestrate.js';
import { scenarios } from './scenarios.js';
import { WIDE_SPREAD } from './stats.js';

const DASH = '–';

function int(n: number | null): string {
  return n === null ? DASH : Math.round(n).toLocaleString('en-US');
}

function us(n: number | undefined): string {
  return n === undefined ? DASH : n.toFixed(n < 100 ? 1 : 0);
}

function ratio(n: number | null): string {
  return n === null ? DASH : `${n.toFixed(2)}×`;
}

function pct(n: number | null): string {
  if (n === null) return DASH;
  const text = `${(n * 100).toFixed(0)}%`;
  return n > WIDE_SPREAD ? `**${text}**` : text;
}

function successRate(row: Row): string {
  const total = row.ok + row.wrong + row.failed;
  return total === 0 ? DASH : `${((row.ok / total) * 100).toFixed(row.ok === total ? 0 : 2)}%`;
}

function table(s: ScenarioResult): string[] {
  const seq = s.rows.some((r) => r.latency !== null);
  const stress = s.id === 'stress';
  const head = ['contender', 'calls/s'];
  if (seq) head.push('mean µs', 'p50 µs', 'p99 µs');
  if (stress) head.push('success');
  head.push('vs raw', 'vs rerpc', 'conns', 'wrong / failed', 'spread');
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`,
  ];
  for (const row of s.rows) {
    if (row.status === 'skipped') {
      lines.push(`| ${row.contender} | skipped |${' |'.repeat(head.length - 2)}`);
      continue;
    }
    if (row.status === 'unsupported') {
      lines.push(`| ${row.contender} |${` ${DASH} |`.repeat(head.length - 1)}`);
      continue;
    }
    const cells = [
      row.status === 'failed' ? `${row.contender} (failed)` : row.contender,
      int(row.callsPerSec),
    ];
    if (seq) cells.push(us(row.latency?.meanUs), us(row.latency?.p50Us), us(row.latency?.p99Us));
    if (stress) cells.push(successRate(row));
    cells.push(
      ratio(row.vsRaw),
      ratio(row.vsRerpc),
      row.connections === null ? DASH : String(row.connections),
      `${row.wrong} / ${row.failed}`,
      pct(row.spread),
    );
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

/** Machine facts and run settings, as Markdown list items. */
export function facts(r: BenchResult): string[] {
  const m = r.machine;
  const s = r.settings;
  const load = m.loadAverage.map((n) => n.toFixed(2)).join(' ');
  return [
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}; load average at start ${load}`,
    `- Date: ${m.date.slice(0, 16).replace('T', ' ')} UTC; ${r.totalSeconds.toFixed(0)} s in all`,
    `- Run (${r.mode}): medians of ${s.runs} runs × ${s.durationMs} ms per contender and scenario (stress: ${s.stressRuns} bursts), ` +
      `runs of the contenders interleaved; warm-up ≥ ${s.firstWarmupMs} ms and ≥ ${s.warmupCalls.toLocaleString('en-US')} calls ` +
      `(≤ ${s.warmupMaxMs} ms) before a contender's first run, ${s.warmupMs} ms before each later one; echo payload ${r.echoBytes.toLocaleString('en-US')} bytes`,
  ];
}

/** The Markdown report: facts, then one table per scenario with its notes. */
export function toMarkdown(r: BenchResult): string {
  const out: string[] = [
    `### End-to-end (${r.mode} run)`,
    '',
    ...r.warnings.map((w) => `> **Warning:** ${w}.\n`),
    ...facts(r),
    '',
    'calls/s = correct answers per second of wall time (median of the runs); `vs raw` = calls/s ÷ raw calls/s ' +
      '(1.00× = as fast as the raw `net` ceiling); `vs rerpc` = calls/s ÷ rerpc calls/s (above 1 = faster ' +
      'than rerpc); spread = (max − min) ÷ median between runs, **bold** above 10%.',
  ];
  if (r.scenarios.some((s) => scenarios.find((x) => x.id === s.id)?.transport !== 'tcp')) {
    out.push(
      '',
      "Over HTTP and WebSocket (`http-*`, `ws-*`), `raw` is that transport's ceiling: a `node:http` server with an undici " +
        'keep-alive client, and a `ws` server and client, each doing JSON.parse + JSON.stringify per body or message; ' +
        '`vs raw` divides by it, and `–` marks a scenario the contender cannot do (see its note).',
    );
  }
  for (const s of r.scenarios) {
    out.push('', `#### ${s.id}: ${s.what}`, '', ...table(s));
    if (s.notes.length > 0) {
      out.push('');
      for (const note of s.notes) out.push(`- ${note}`);
    }
  }
  if (r.skipped.length > 0) {
    out.push('', 'Skipped (server did not start):');
    for (const s of r.skipped) out.push(`- ${s.contender}: ${s.reason}`);
  }
  return `${out.join('\n')}\n`;
}
