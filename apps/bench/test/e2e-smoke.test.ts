import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { killAll, liveCount } from '../src/e2e/children.js';
import { contenders } from '../src/e2e/contenders.js';
import { echoBytes, isAddResult, isEchoResult } from '../src/e2e/methods.js';
import { openPair, type Pair, runOnce, startPair, stopPair } from '../src/e2e/orchestrate.js';
import type { Connections, LoadSpec } from '../src/e2e/protocol.js';
import { maxOverMin, median, spread } from '../src/e2e/stats.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(benchDir, 'dist');
const raw = contenders.find((c) => c.name === 'raw' && c.transport === 'tcp')!;

function spec(overrides: Partial<LoadSpec>): LoadSpec {
  return {
    kind: 'closed',
    method: 'ArithService.Add',
    inflight: 8,
    burstCalls: 0,
    batch: 1,
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

describe.each(['http', 'ws'] as const)(
  'raw contender over %s, in its own processes',
  (transport) => {
    const contender = contenders.find((c) => c.name === 'raw' && c.transport === transport)!;

    async function pair(connections: Connections): Promise<Pair> {
      const started = await startPair(distDir, contender);
      onTestFinished(() => stopPair(started));
      await openPair(started, connections, 8);
      return started;
    }

    it('answers every call correctly, 8 in flight on 2 connections', async () => {
      const result = await runOnce(await pair(2), spec({ maxCalls: 200, latency: true }));
      expect({ ok: result.ok, wrong: result.wrong, failed: result.failed }).toEqual({
        ok: 200,
        wrong: 0,
        failed: 0,
      });
      expect(result.connections).toBe(2);
    });

    it('answers batches of 10, every call in them checked', async () => {
      const result = await runOnce(await pair(1), spec({ batch: 10, inflight: 30, maxCalls: 300 }));
      expect({ ok: result.ok, wrong: result.wrong, failed: result.failed }).toEqual({
        ok: 300,
        wrong: 0,
        failed: 0,
      });
    });
  },
);

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
    expect(maxOverMin([100, 150, 120])).toBe(1.5);
    expect(maxOverMin([100])).toBe(1);
    expect(maxOverMin([0, 10])).toBe(Number.POSITIVE_INFINITY);
  });
});
