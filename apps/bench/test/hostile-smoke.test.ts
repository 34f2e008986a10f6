import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Build, resolveBuild } from '../src/hostile/build.js';
import { killChildren } from '../src/hostile/child.js';
import { close } from '../src/hostile/close.js';
import { deep } from '../src/hostile/deep.js';
import { drip } from '../src/hostile/drip.js';
import { markdownTable } from '../src/hostile/report.js';
import { runHostile } from '../src/hostile/run.js';
import { parseSettings, quickSettings } from '../src/hostile/settings.js';
import { starve } from '../src/hostile/starve.js';

// Each scenario in a tiny configuration against the workspace's build: the shape of what it
// reports, never how fast anything was.

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverMain = join(benchDir, 'dist', 'hostile', 'server-main.js');
const quick = quickSettings();
let build: Build;

beforeAll(() => {
  // The server under attack is the built child entry (turbo builds before testing); build it if
  // it is absent or older than its sources.
  const srcDir = join(benchDir, 'src', 'hostile');
  const newest = Math.max(...readdirSync(srcDir).map((f) => statSync(join(srcDir, f)).mtimeMs));
  if (!existsSync(serverMain) || statSync(serverMain).mtimeMs < newest) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: benchDir, stdio: 'ignore' });
  }
  build = resolveBuild({ label: 'new', serverMain });
});

afterAll(() => {
  killChildren();
});

describe('hostile scenarios, tiny, against the workspace build', () => {
  it.each(['ndjson', 'content-length'] as const)(
    'drip (%s) reports memory per byte held',
    async (framing) => {
      const r = await drip(build, { ...quick.drip, framing });
      expect(r.framing).toBe(framing);
      expect(r.bytesHeld).toBe(quick.drip.connections * quick.drip.bytesPerConnection);
      expect(r.reads).toBeGreaterThan(0);
      expect(r.bytesPerRead).toBeGreaterThanOrEqual(1);
      for (const v of [r.rssGrowth, r.rssPerByte, r.rssPerByteSecondHalf, r.heapExternalPerByte]) {
        expect(Number.isFinite(v)).toBe(true);
      }
      expect(r.closedByServer).toBe(0);
    },
  );

  it('deep reports CPU per frame and the other connection latency, deep and flat', async () => {
    const r = await deep(build, quick.deep);
    expect(r.depth).toBeGreaterThan(1000);
    expect(r.frameBytes).toBeLessThanOrEqual(quick.deep.frameBytes);
    expect(r.idle.count).toBeGreaterThan(0);
    for (const shape of [r.flat, r.deep]) {
      expect(shape.cpuMsPerFrame).toBeGreaterThanOrEqual(0);
      expect(shape.answer).toMatch(/^\{"jsonrpc":"2\.0",/);
      expect(shape.frames).toBeGreaterThan(0);
      expect(shape.ping.count).toBeGreaterThan(0);
      expect(shape.ping.p50).toBeLessThanOrEqual(shape.ping.max);
    }
  });

  it('starve reports the other connection latency, idle and while one connection holds slow calls', async () => {
    const r = await starve(build, quick.starve);
    expect(r.idle.count).toBe(quick.starve.pings);
    expect(r.attacked.count).toBeGreaterThan(0);
    expect(r.attacked.p99).toBeLessThanOrEqual(r.attacked.max);
    expect(r.slowAnswered).toBe(quick.starve.slowCalls);
  });

  it('close classifies every call across a SIGTERM and a restart on the same port', async () => {
    const r = await close(build, quick.close);
    expect(r.calls).toBeGreaterThan(0);
    expect(r.ok + r.notRun + r.mayHaveRun).toBe(r.calls);
    expect(r.hung).toBe(0);
    expect(r.mayHaveRunRan).toBeLessThanOrEqual(r.mayHaveRun);
    const failures = Object.values(r.errors).reduce((a, b) => a + b, 0);
    expect(failures).toBe(r.notRun + r.mayHaveRun);
    for (const side of [r.first, r.second]) {
      expect(side).not.toBeNull();
      expect(side!.ran + side!.refused + side!.lost).toBe(side!.read);
    }
    expect(r.exitMs).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('runs a chosen scenario through runHostile and tabulates it', async () => {
    const settings = parseSettings(['--quick', '--scenarios=starve']);
    const results = await runHostile(build, settings);
    expect(results.starve).toHaveLength(1);
    expect(results.drip.ndjson).toHaveLength(0);
    const table = markdownTable([results]);
    expect(table).toContain('| starve | ping p99 while starved, ms |');
    expect(table).not.toContain('| drip');
  });
});

describe('hostile settings', () => {
  it('refuses an unknown argument or scenario', () => {
    expect(() => parseSettings(['--rounds=3'])).toThrow(/unknown argument --rounds=3/);
    expect(() => parseSettings(['--scenarios=drip,flood'])).toThrow(/unknown scenario flood/);
  });
});
