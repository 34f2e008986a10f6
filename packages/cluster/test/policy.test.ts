import { describe, expect, it } from 'vitest';
import { continuesCrashRun, restartBackoff } from '../src/backoff.js';
import { nodeHasReusePort, selectBalancing } from '../src/balancing.js';
import { workerExecArgv } from '../src/cluster.js';
import { aggregateStats } from '../src/index.js';

describe('selectBalancing', () => {
  it('knows which Node versions have reusePort (22.12+, 23.1+)', () => {
    expect(nodeHasReusePort('20.20.2')).toBe(false);
    expect(nodeHasReusePort('22.11.0')).toBe(false);
    expect(nodeHasReusePort('22.12.0')).toBe(true);
    expect(nodeHasReusePort('v23.0.0')).toBe(false);
    expect(nodeHasReusePort('23.1.0')).toBe(true);
    expect(nodeHasReusePort('24.0.0')).toBe(true);
  });

  it("'auto' picks reuse-port on Linux with a Node that has it, round-robin otherwise", () => {
    expect(selectBalancing('auto', '22.12.0', 'linux')).toBe('reuse-port');
    expect(selectBalancing('auto', '20.20.2', 'linux')).toBe('round-robin');
    expect(selectBalancing('auto', '24.1.0', 'darwin')).toBe('round-robin');
    expect(selectBalancing('auto', '24.1.0', 'win32')).toBe('round-robin');
  });

  it('honours an explicit choice, and refuses reuse-port where it cannot work', () => {
    expect(selectBalancing('round-robin', '24.1.0', 'linux')).toBe('round-robin');
    expect(selectBalancing('reuse-port', '24.1.0', 'linux')).toBe('reuse-port');
    expect(() => selectBalancing('reuse-port', '20.20.2', 'linux')).toThrow(
      expect.objectContaining({
        code: 'RERPC_ERR_INVALID_OPTION',
        message: expect.stringMatching(/needs Node >= 22.12.*got Node 20.20.2 on linux/),
      }),
    );
  });

  it('this test run (Node 20) uses round-robin', () => {
    if (nodeHasReusePort(process.versions.node)) return;
    expect(selectBalancing('auto')).toBe('round-robin');
  });
});

describe('restartBackoff', () => {
  it('doubles from restartDelay per crash in a row, capped at maxRestartDelay', () => {
    expect([0, 1, 2, 3, 4, 10, 1000].map((n) => restartBackoff(n, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
    expect(restartBackoff(0, 0, 0)).toBe(0);
  });

  it('a worker that served maxRestartDelay ms or more starts a new run', () => {
    expect(continuesCrashRun(null, 5, 1000)).toBe(true); // never listened
    expect(continuesCrashRun(0, 999, 1000)).toBe(true);
    expect(continuesCrashRun(0, 1000, 1000)).toBe(false);
  });
});

describe('aggregateStats', () => {
  const worker = (calls: number, p99: number, errors: Record<string, number>) => ({
    connections: { open: 1, total: 2, refused: 0 },
    calls: { total: calls, inFlight: 1 },
    errors,
    latency: { count: calls, p50: p99 / 2, p90: p99 * 0.9, p99, max: p99 * 2 },
  });

  it('sums counters key by key, error codes of any worker, and takes the largest quantiles', () => {
    const total = aggregateStats([
      worker(10, 4, { '-32601': 1 }),
      worker(30, 2, { '-32601': 2, '-32700': 5 }),
    ]);
    expect(total).toEqual({
      connections: { open: 2, total: 4, refused: 0 },
      calls: { total: 40, inFlight: 2 },
      errors: { '-32601': 3, '-32700': 5 },
      latency: { count: 40, p50: 2, p90: 3.6, p99: 4, max: 8 },
    });
  });

  it('keeps fields only some workers have, and skips workers that sent nothing', () => {
    expect(aggregateStats([{ a: 1 }, null, { b: { c: 2 } }, { label: 'x' }])).toEqual({
      a: 1,
      b: { c: 2 },
      label: 'x',
    });
    expect(aggregateStats([])).toEqual({});
  });
});

describe('workerExecArgv', () => {
  it("passes the primary's flags on, without -e/-p and their script", () => {
    expect(
      workerExecArgv([
        '--max-old-space-size=512',
        '-e',
        'code()',
        '--import',
        'tsx',
        '--print=1',
        '-p',
        'x',
        '--eval',
        'y',
        '-pe',
        'z',
      ]),
    ).toEqual(['--max-old-space-size=512', '--import', 'tsx']);
    expect(workerExecArgv([])).toEqual([]);
  });
});
