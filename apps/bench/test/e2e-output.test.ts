import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BenchResult,
  emptyRow,
  type Row,
  recompute,
  type ScenarioResult,
} from '../src/e2e/orchestrate.js';
import { machineWarnings, outputPlan } from '../src/e2e/output.js';
import type { RunResult } from '../src/e2e/protocol.js';
import { toMarkdown } from '../src/e2e/report.js';
import { parseSettings } from '../src/e2e/settings.js';
import { toSvg } from '../src/e2e/svg.js';

// Fixed result data: what the report and the chart draw from it, and where a run writes.

function run(callsPerSec: number): RunResult {
  return {
    ok: 10,
    wrong: 0,
    failed: 0,
    elapsedMs: 300,
    callsPerSec,
    latency: null,
    firstError: null,
    connections: 1,
  };
}

/** A measured row from its runs' calls/s (medians and ratios as orchestrate computes them). */
function row(contender: string, rates: number[] | null, ceiling = 1000): Row {
  if (rates === null) return emptyRow(contender, 'skipped', 'server did not start: not built');
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  return {
    contender,
    status: 'ok',
    reason: null,
    runs: rates.map(run),
    callsPerSec: median,
    spread: 0.25,
    minCallsPerSec: sorted[0]!,
    maxCallsPerSec: sorted[sorted.length - 1]!,
    latency: null,
    ok: 10,
    wrong: 0,
    failed: 0,
    firstError: null,
    connections: 1,
    vsRaw: median / ceiling,
    vsRerpc: null,
  };
}

function scenario(id: string, rows: Row[], ceilingSpread: number | null): ScenarioResult {
  return { id, what: `${id} load`, rows, notes: ['a note'], ceilingSpread };
}

function result(overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    mode: 'quick',
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      node: 'v20.0.0',
      platform: 'linux',
      memoryGiB: 4,
      loadAverage: [0, 0, 0],
      date: '2025-01-01T00:00:00.000Z',
    },
    settings: {
      runs: 3,
      stressRuns: 2,
      durationMs: 300,
      firstWarmupMs: 300,
      warmupCalls: 5000,
      warmupMaxMs: 1500,
      warmupMs: 100,
    },
    echoBytes: 10_000,
    contenders: [
      { name: 'raw', note: '', color: '#000000' },
      { name: 'rerpc', note: '', color: '#ff0000' },
      { name: 'jayson', note: '', color: '#0000ff' },
    ],
    scenarios: [
      // raw's runs 900..1100: steady (1.22× apart).
      scenario(
        'c100',
        [row('raw', [900, 1000, 1100]), row('rerpc', null), row('jayson', [400, 500, 700])],
        1100 / 900,
      ),
    ],
    skipped: [{ contender: 'rerpc', reason: 'server did not start: not built' }],
    warnings: [],
    totalSeconds: 1,
    ...overrides,
  };
}

describe('report', () => {
  it('writes a Markdown table per scenario with ratios, notes and skipped contenders', () => {
    const md = toMarkdown(result());
    expect(md).toContain('| raw | 1,000 | 1.00× | – | 1 | 0 / 0 | **25%** |');
    expect(md).toContain('| jayson | 500 | 0.50× |');
    expect(md).toContain('| rerpc | skipped |');
    expect(md).toContain('- a note');
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).not.toContain('Warning');
  });

  it('shows – across the row of a contender that cannot do the scenario, with its reason', () => {
    const batch = scenario(
      'ws-batch10',
      [row('raw', [1000]), { ...emptyRow('jayson', 'unsupported', 'no batch call') }],
      1,
    );
    const md = toMarkdown(result({ scenarios: [batch] }));
    expect(md).toContain('| jayson | – | – | – | – | – | – |');
    expect(recompute(result({ scenarios: [batch] })).scenarios[0]!.notes).toEqual([
      'jayson: –, no batch call',
    ]);
    expect(md).toContain("`raw` is that transport's ceiling");
    expect(toMarkdown(result())).not.toContain("transport's ceiling");
  });

  it('puts a busy-machine warning at the top of the report', () => {
    const md = toMarkdown(result({ warnings: ['the machine was busy'] }));
    expect(md).toMatch(
      /^### End-to-end \(quick run\)\n\n> \*\*Warning:\*\* the machine was busy\./,
    );
  });
});

describe('chart', () => {
  it('draws one labelled bar per measured contender and marks skipped ones', () => {
    const svg = toSvg(result());
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect x="\d+" y="[\d.]+" width="18"/g)?.length).toBe(2);
    expect(svg).toContain('>0.50</text>');
    expect(svg).toContain('>skipped</text>');
  });

  it('draws a min–max whisker per measured contender, on the scale of raw’s median', () => {
    const svg = toSvg(result());
    const whiskers = [
      ...svg.matchAll(/<path data-whisker="([^"]+)" d="M([\d.]+) ([\d.]+)V([\d.]+)/g),
    ];
    expect(whiskers.map((m) => m[1])).toEqual(['raw', 'jayson']);
    // jayson's runs span 0.40..0.70 of raw's median, so its whisker is 3/10 of raw's 0.90..1.10
    // (0.20) span longer: lengths in proportion to the ratios they stand for.
    const length = (m: RegExpMatchArray) => Number(m[3]) - Number(m[4]);
    expect(length(whiskers[1]!) / length(whiskers[0]!)).toBeCloseTo(0.3 / 0.2, 5);
    expect(svg).toContain('runs 0.40–0.70×');
    expect(svg).not.toContain('data-unsteady');
  });

  it('greys out a scenario whose raw runs are more than 1.5× apart, with a note', () => {
    const wide = scenario(
      'seq',
      [row('raw', [600, 1000, 1200]), row('rerpc', [800, 900, 950]), row('jayson', null)],
      2,
    );
    const svg = toSvg(result({ scenarios: [result().scenarios[0]!, wide] }));
    expect(svg).toContain('<g data-scenario="c100">');
    expect(svg).toContain('<g data-scenario="seq" data-unsteady="true" opacity="0.6">');
    const from = svg.indexOf('data-scenario="seq"');
    const group = svg.slice(from, svg.indexOf('</g>', from));
    expect(group).toContain('fill="#ced4da"');
    expect(group).not.toContain('fill="#ff0000"');
    expect(group).toContain('unreliable: raw runs 2.0× apart');
    expect(svg).toContain('more than 1.5× its slowest');
  });

  it('gives each group one bar slot per contender in its scenario, so a transport’s group holds only its own', () => {
    const narrow = scenario('ws-c100', [row('raw', [1000]), row('jayson', [500])], 1);
    const svg = toSvg(result({ scenarios: [result().scenarios[0]!, narrow] }));
    const labelX = (id: string) =>
      Number(svg.match(new RegExp(`<text x="([\\d.]+)"[^>]*>${id}</text>`))![1]);
    // c100 has three 18 px slots 4 px apart (62 px, centre at 68 + 31), ws-c100 two (40 px)
    // after a 34 px gap.
    expect(labelX('c100')).toBe(68 + 31);
    expect(labelX('ws-c100')).toBe(68 + 62 + 34 + 20);
    const from = svg.indexOf('data-scenario="ws-c100"');
    expect(svg.slice(from, svg.indexOf('</g>', from)).match(/<rect /g)).toHaveLength(2);
  });

  it('shows the busy-machine warning under the title', () => {
    const busy = result({ warnings: ['busy'] });
    busy.machine.loadAverage = [3.5, 2, 1];
    expect(toSvg(busy)).toContain('Warning: load average 3.50 above 2 cores at the start');
    expect(toSvg(result())).not.toContain('data-warning');
  });
});

describe('re-drawing a saved result (--render)', () => {
  it('computes medians, whiskers, the ceiling spread and its note again from the runs alone', () => {
    const saved = result({
      scenarios: [
        scenario('seq', [row('raw', [600, 1000, 1200]), row('jayson', [400, 500, 700])], null),
      ],
    });
    // What an older version saved: no whisker fields, no ceiling spread, no warnings.
    const old = JSON.parse(JSON.stringify(saved)) as BenchResult;
    for (const r of old.scenarios[0]!.rows) {
      Object.assign(r, { minCallsPerSec: undefined, maxCallsPerSec: undefined, vsRaw: 7 });
    }
    Object.assign(old.scenarios[0]!, { ceilingSpread: undefined, notes: [] });
    Object.assign(old, { warnings: undefined });
    old.machine.loadAverage = [4, 4, 4];
    const again = recompute(old);
    const [raw, jayson] = again.scenarios[0]!.rows;
    expect(raw).toMatchObject({ callsPerSec: 1000, minCallsPerSec: 600, maxCallsPerSec: 1200 });
    expect(jayson).toMatchObject({ callsPerSec: 500, vsRaw: 0.5, ok: 30 });
    expect(again.scenarios[0]!.ceilingSpread).toBe(2);
    expect(again.scenarios[0]!.notes.join('\n')).toContain('**unreliable ratios**');
    expect(again.warnings).toHaveLength(1);
    expect(toSvg(again)).toContain('data-unsteady="true"');
  });
});

describe('where a run writes', () => {
  const bench = '/repo/apps/bench';

  it('writes to the ignored results/local/ by default, and never to the README', () => {
    expect(outputPlan(parseSettings(['--quick']), bench)).toEqual({
      dir: join(bench, 'results', 'local'),
      readme: false,
      promoted: false,
    });
  });

  it('writes the committed results/ and the README only with --promote (or its old name --readme)', () => {
    const promoted = { dir: join(bench, 'results'), readme: true, promoted: true };
    expect(outputPlan(parseSettings(['--promote']), bench)).toEqual(promoted);
    expect(outputPlan(parseSettings(['--', '--readme']), bench)).toEqual(promoted);
  });

  it('writes to --out=DIR, and refuses --out with --promote', () => {
    expect(outputPlan(parseSettings(['--out=/tmp/e2e']), bench)).toEqual({
      dir: '/tmp/e2e',
      readme: false,
      promoted: false,
    });
    expect(() => parseSettings(['--promote', '--out=/tmp/e2e'])).toThrow(/cannot be combined/);
  });
});

describe('busy machine', () => {
  it('warns when the 1-minute load average is above the core count', () => {
    expect(machineWarnings({ loadAverage: [2, 9, 9], cores: 2 })).toEqual([]);
    const [warning] = machineWarnings({ loadAverage: [2.5, 0, 0], cores: 2 });
    expect(warning).toMatch(/load average was 2\.50 .* above the 2 cores/);
  });
});
