import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { killAll, liveCount } from '../src/e2e/children.js';
import { contenders } from '../src/e2e/contenders.js';
import { echoBytes, isAddResult, isEchoResult } from '../src/e2e/methods.js';
import {
  type BenchResult,
  openPair,
  type Pair,
  runOnce,
  startPair,
  stopPair,
} from '../src/e2e/orchestrate.js';
import type { Connections, LoadSpec } from '../src/e2e/protocol.js';
import { toMarkdown } from '../src/e2e/report.js';
import { median, spread } from '../src/e2e/stats.js';
import { toSvg } from '../src/e2e/svg.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(benchDir, 'dist');
const raw = contenders.find((c) => c.name === 'raw')!;

function spec(overrides: Partial<LoadSpec>): LoadSpec {
  return {
    kind: 'closed',
    method: 'ArithService.Add',
    inflight: 8,
    burstCalls: 0,
    // Bounded by the call count; the duration is only a backstop.
    durationMs: 20_000,
    maxCalls: 400,
    warmupMs: 0,
    warmupCalls: 0,
    warmupMaxMs: 0,
    drainMs: 5_000,
    latency: false,
    ...overrides,
  };
}

async function rawPair(connections: Connections): Promise<Pair> {
  const pair = await startPair(distDir, raw);
  onTestFinished(() => stopPair(pair));
  await openPair(pair, connections, 8);
  return pair;
}

beforeAll(() => {
  // The processes are the built dist files (turbo builds before testing); build if absent.
  if (!existsSync(join(distDir, 'e2e', 'servers', 'raw.js'))) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: benchDir, stdio: 'ignore' });
  }
});

afterAll(() => {
  killAll();
});

describe('raw contender, server and client in their own processes', () => {
  it('answers every ArithService.Add call correctly, pipelined on one connection', async () => {
    const pair = await rawPair(1);
    const result = await runOnce(pair, spec({ latency: true }));
    expect({ ok: result.ok, wrong: result.wrong, failed: result.failed }).toEqual({
      ok: 400,
      wrong: 0,
      failed: 0,
    });
    expect(result.latency?.p99Us).toBeGreaterThan(0);
  });

  it('echoes the ~10 KB payload intact over several connections', async () => {
    const pair = await rawPair(4);
    const result = await runOnce(pair, spec({ method: 'echo', maxCalls: 100 }));
    expect({ ok: result.ok, wrong: result.wrong, failed: result.failed }).toEqual({
      ok: 100,
      wrong: 0,
      failed: 0,
    });
  });

  it('settles every call of a burst issued at once', async () => {
    const pair = await rawPair('default');
    const result = await runOnce(pair, spec({ kind: 'burst', burstCalls: 1000 }));
    expect(result.ok).toBe(1000);
    expect(result.wrong + result.failed).toBe(0);
  });

  it('reopens with a new connection count, and leaves no child process running once stopped', async () => {
    const pair = await startPair(distDir, raw);
    await openPair(pair, 2, 8);
    await openPair(pair, 1, 8);
    await stopPair(pair);
    expect(liveCount()).toBe(0);
  });
});

describe('result checks', () => {
  it('accepts only the right sum and the right echo', () => {
    expect(isAddResult(3, { result: 10 })).toBe(true);
    expect(isAddResult(3, { result: 11 })).toBe(false);
    expect(isAddResult(3, null)).toBe(false);
    expect(isEchoResult(5, { seq: 4, items: [] })).toBe(false);
    expect(echoBytes).toBeGreaterThan(9_000);
    expect(echoBytes).toBeLessThan(11_000);
  });

  it('takes medians and spreads over runs', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(spread([90, 100, 110])).toBeCloseTo(0.2);
  });
});

describe('report', () => {
  const row = (contender: string, callsPerSec: number | null, vsRaw: number | null) => ({
    contender,
    status: callsPerSec === null ? ('skipped' as const) : ('ok' as const),
    reason: callsPerSec === null ? 'server did not start: not built' : null,
    runs: [],
    callsPerSec,
    spread: 0.25,
    latency: null,
    ok: 10,
    wrong: 0,
    failed: 0,
    firstError: null,
    connections: 1,
    vsRaw,
    vsRerpc: null,
  });
  const result: BenchResult = {
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
      { name: 'raw', note: '', color: '#000' },
      { name: 'rerpc', note: '', color: '#f00' },
      { name: 'jayson', note: '', color: '#00f' },
    ],
    scenarios: [
      {
        id: 'c100',
        what: '100 in flight',
        rows: [row('raw', 1000, 1), row('rerpc', null, null), row('jayson', 500, 0.5)],
        notes: ['a note'],
      },
    ],
    skipped: [{ contender: 'rerpc', reason: 'server did not start: not built' }],
    totalSeconds: 1,
  };

  it('writes a Markdown table per scenario with ratios, notes and skipped contenders', () => {
    const md = toMarkdown(result);
    expect(md).toContain('| raw | 1,000 | 1.00× | – | 1 | 0 / 0 | **25%** |');
    expect(md).toContain('| jayson | 500 | 0.50× |');
    expect(md).toContain('| rerpc | skipped |');
    expect(md).toContain('- a note');
    expect(md).toContain('Test CPU, 2 cores');
  });

  it('draws one labelled bar per measured contender and marks skipped ones', () => {
    const svg = toSvg(result);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect x="\d+" y="[\d.]+" width="18"/g)?.length).toBe(2);
    expect(svg).toContain('>0.50</text>');
    expect(svg).toContain('>skipped</text>');
  });
});
