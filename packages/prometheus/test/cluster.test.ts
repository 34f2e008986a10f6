// runCluster with 2 workers in a real primary process: the primary's /metrics adds up what both
// workers served (prom-client's AggregatorRegistry behind clusterMetricsHandler()).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createClient } from '@rerpc/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { key, parse } from './exposition.js';

const PRIMARY = new URL('./fixtures/cluster-primary.mjs', import.meta.url).pathname;

interface Ready {
  port: number;
  metricsPort: number;
  workers: number[];
}

async function primary(): Promise<Ready> {
  const child = spawn(process.execPath, [PRIMARY], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the primary exited (${code}) before it was ready`);
    }),
  ])) as [string];
  return JSON.parse(line) as Ready;
}

describe('in a cluster', () => {
  it('the primary’s clusterMetricsHandler() adds up both workers’ metrics', async () => {
    const { port, metricsPort, workers } = await primary();
    expect(workers).toHaveLength(2);
    // node:cluster hands connections out in turn: fresh connections reach both workers (bounded).
    const served = new Map<number, number>();
    let calls = 0;
    for (let i = 0; i < 20 && served.size < 2; i++) {
      const client = createClient({ host: '127.0.0.1', port }, { timeout: 20_000 });
      onTestFinished(() => client.close());
      const pid = (await client.call('whoami')) as number;
      expect(await client.call('add', [i, 1])).toBe(i + 1);
      served.set(pid, (served.get(pid) ?? 0) + 1);
      calls += 1;
      await client.close();
    }
    expect([...served.keys()].sort()).toEqual([...workers].sort());

    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const e = parse(await res.text());
    // Each worker counted only its own calls; the sum is every call made.
    expect(e.samples.get(key('rerpc_server_started_total', { method: 'whoami' }))).toBe(calls);
    expect(e.samples.get(key('rerpc_server_handled_total', { method: 'add', code: 'ok' }))).toBe(
      calls,
    );
    expect(e.samples.get(key('rerpc_server_handling_seconds_count', { method: 'add' }))).toBe(
      calls,
    );
    expect(e.samples.get('rerpc_server_in_flight')).toBe(0);
  });
});
