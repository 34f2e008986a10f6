import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@rerpc/client';
import { spawnNode } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type Event, load, Primary, Watch } from './helpers.js';

// Real processes: a primary (test/fixtures/primary.mjs, through the built package) forking
// workers of test/fixtures/app.mjs on one port, and @rerpc/client calling them over TCP.

const isExit = (e: Event) => e.type === 'exit';
const isListening = (e: Event) => e.type === 'listening';
const pidOf = (e: Event) => e.worker!.pid;

function client(port: number) {
  const c = createClient({ host: '127.0.0.1', port }, { timeout: 20_000 });
  onTestFinished(() => c.close());
  return c;
}

/** A call that failed provably without running: the client's ConnectionError with sent: false. */
const notRun = (error: unknown) =>
  (error as { code?: string }).code === 'RERPC_ERR_CONNECTION' &&
  (error as { sent?: boolean }).sent === false;

describe('runCluster', () => {
  it('serves calls from every worker on one port', async () => {
    const primary = new Primary({ workers: 2 });
    const { port, workers } = await primary.ready();
    expect(workers.map((w) => w.slot).sort()).toEqual([0, 1]);
    // node:cluster hands connections out in turn: two fresh connections reach both workers.
    const pids = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const c = client(port);
      pids.add(((await c.call('whoami')) as { pid: number }).pid);
      await c.close();
    }
    expect([...pids].sort()).toEqual(workers.map((w) => w.pid).sort());
  });

  it('SIGTERM drains every worker: every call the workers took is answered, the primary exits 0', async () => {
    const primary = new Primary({ workers: 2 });
    const { port } = await primary.ready();
    const c = client(port);
    let done = 0;
    let signalled = false;
    const run = load(
      async (i) => {
        expect(await c.call('work', [i])).toBe(i);
        if (++done === 2000 && !signalled) {
          signalled = true;
          primary.child.kill('SIGTERM');
        }
      },
      64,
      1_000_000,
      () => signalled,
    );
    const result = await run;
    // Calls written after the workers stopped reading were answered -32002 (not run), retried,
    // and found no listener: the only failures allowed are ones that provably never ran.
    expect(
      result.errors
        .filter((e) => !notRun(e))
        .map(String)
        .slice(0, 3),
    ).toEqual([]);
    expect(result.ok).toBeGreaterThanOrEqual(2000);
    expect(await primary.exited).toBe(0);
    const exits = primary.events.filter(isExit);
    expect(exits).toHaveLength(2);
    expect(exits.every((e) => e.planned === true && e.code === 0)).toBe(true);
  });

  it('a rolling restart (SIGHUP) replaces every worker with zero failed calls under load', async () => {
    const primary = new Primary({ workers: 2 });
    const { port, workers } = await primary.ready();
    const before = new Set(workers.map((w) => w.pid));
    const c = client(port);
    let done = 0;
    let restarted = false;
    const from = primary.events.length;
    const watch = new Watch();
    const run = load(
      async () => {
        await c.call('whoami');
        if (++done === 1000) primary.child.kill('SIGHUP');
        watch.check();
      },
      64,
      1_000_000,
      () => restarted,
    ).finally(() => watch.end());
    // Two new workers listen and both old ones exit drained; then the load goes on a little.
    const fresh = await primary.count(isListening, 2, from);
    const exits = await primary.count(isExit, 2, from);
    const afterRestart = done;
    await watch.until(() => done >= afterRestart + 1000);
    restarted = true;
    const result = await run;
    expect(result.errors).toEqual([]);
    expect(exits.map(pidOf).sort()).toEqual([...before].sort());
    expect(exits.every((e) => e.planned === true)).toBe(true);
    const after = fresh.map(pidOf);
    expect(after.some((pid) => before.has(pid))).toBe(false);
    // The calls after the restart are served by the new workers.
    const pid = ((await c.call('whoami')) as { pid: number }).pid;
    expect(after).toContain(pid);
  });

  it('replaces a SIGKILLed worker in its slot, and calls keep succeeding', async () => {
    const primary = new Primary({ workers: 2, restartDelay: 10 });
    const { port, workers } = await primary.ready();
    const victim = workers[0]!;
    const from = primary.events.length;
    process.kill(victim.pid, 'SIGKILL');
    const exit = await primary.next(isExit, from);
    expect(exit).toMatchObject({ planned: false, signal: 'SIGKILL' });
    expect(await primary.next((e) => e.type === 'restart', from)).toMatchObject({
      slot: victim.slot,
      delay: 10,
    });
    const replacement = await primary.next(isListening, from);
    expect(replacement.worker).toMatchObject({ slot: victim.slot });
    expect(pidOf(replacement)).not.toBe(victim.pid);
    const c = client(port);
    for (let i = 0; i < 20; i++) expect(await c.call('add', [i, 1])).toBe(i + 1);
    // Killed again soon after it listened: the same run of crashes, so the wait doubles.
    const again = primary.events.length;
    process.kill(pidOf(replacement), 'SIGKILL');
    expect(await primary.next((e) => e.type === 'restart', again)).toMatchObject({
      slot: victim.slot,
      delay: 20,
    });
    await primary.next(isListening, again);
  });

  it('a rolling restart whose new worker fails keeps the old workers serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-cluster-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const flag = join(dir, 'broken');
    const primary = new Primary({ workers: 2 }, { RERPC_TEST_BREAK: flag });
    const { port, workers } = await primary.ready();
    writeFileSync(flag, '');
    primary.send('restart');
    const failed = await primary.next((e) => e.type === 'restart-failed');
    expect(failed.code).toBe('RERPC_ERR_WORKER_START');
    expect(failed.message).toContain('this version is broken');
    const c = client(port);
    const pids = new Set(workers.map((w) => w.pid));
    for (let i = 0; i < 10; i++) {
      expect(pids.has(((await c.call('whoami')) as { pid: number }).pid)).toBe(true);
    }
    // The failed worker exited; the old ones were never drained.
    expect(primary.events.filter((e) => e.type === 'draining')).toEqual([]);
  });

  it('kills a worker that does not listen within startTimeout, and rejects', async () => {
    const primary = new Primary({ workers: 1, exportName: 'hang', startTimeout: 200 });
    const failed = await primary.next((e) => e.type === 'start-failed');
    expect(failed.code).toBe('RERPC_ERR_WORKER_START');
    expect(failed.message).toContain('did not listen within startTimeout (200 ms)');
    expect(await primary.exited).toBe(3);
  });

  it('stats() adds up the workers’ server stats', async () => {
    const primary = new Primary({ workers: 2 });
    const { port } = await primary.ready();
    for (let i = 0; i < 4; i++) {
      const c = client(port);
      for (let j = 0; j < 25; j++) await c.call('add', [i, j]);
      await c.close();
    }
    primary.send('stats');
    const { stats } = (await primary.next((e) => e.type === 'stats')) as unknown as {
      stats: {
        total: {
          calls: { total: number };
          connections: { total: number };
          latency: { count: number; max: number };
        };
        workers: Array<{ stats: { calls: { total: number }; latency: { max: number } } }>;
      };
    };
    expect(stats.workers).toHaveLength(2);
    expect(stats.total.calls.total).toBe(100);
    expect(stats.workers.every((w) => w.stats.calls.total === 50)).toBe(true);
    expect(stats.total.connections.total).toBe(4);
    expect(stats.total.latency.count).toBe(100);
    expect(stats.total.latency.max).toBe(
      Math.max(...stats.workers.map((w) => w.stats.latency.max)),
    );
  });

  it('runs from CommonJS, in a primary started with node -e', async () => {
    const app = fileURLToPath(new URL('./fixtures/app.mjs', import.meta.url));
    const script = `
      const { runCluster } = require('@rerpc/cluster');
      runCluster({ module: ${JSON.stringify(app)}, workers: 1, shutdownSignals: [], restartSignal: null })
        .then(async (c) => { console.log(JSON.stringify(c.workers().map((w) => w.state))); await c.close(); });
    `;
    const node = spawnNode(['-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    const [code] = await node.exited;
    expect(node.stdout().trim(), node.stderr()).toBe('["listening"]');
    expect(code).toBe(0);
  });

  it('rejects with WorkerStartError when the module cannot make a server, and stops', async () => {
    const primary = new Primary({ workers: 2, exportName: 'broken' });
    const failed = await primary.next((e) => e.type === 'start-failed');
    expect(failed.code).toBe('RERPC_ERR_WORKER_START');
    expect(failed.message).toContain('this module cannot make a server');
    expect(await primary.exited).toBe(3);
  });
});
