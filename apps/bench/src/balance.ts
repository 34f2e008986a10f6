// `node dist/balance.js [--quick]`: what @rerpc/client's balancer (createClient({ endpoints }),
// issue 17) costs and gains, as ratios of one run, rounds interleaved:
//   cost: a client of one server `{ host, port }` vs `{ endpoints: [that server] }` (the same
//         pool behind the Balancer: a pick, two WeakMap reads and counters per call);
//   gain: `{ endpoints: [A] }` vs `{ endpoints: [A, B] }`, A and B two server processes.
// On 2 cores the client process competes with both servers, so the gain is bounded by the CPU
// left to the servers: a ratio near 1 there says the machine is saturated, not the balancer.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@rerpc/client';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const CALLS = quick ? 10_000 : 30_000;
const IN_FLIGHT = 64;
const SERVER = fileURLToPath(new URL('./balance-server.js', import.meta.url));

/** A server process on `host`; resolves with its port. */
async function start(host: string, children: ChildProcess[]): Promise<number> {
  const child = spawn(process.execPath, [SERVER, host], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return Number(line);
}

/**
 * `CALLS` echo calls, `IN_FLIGHT` at a time (after a warm-up of 2,000): calls/s, and the client
 * process's CPU time per call in µs (user + system), which other processes on the machine move
 * much less than they move calls/s.
 */
async function rate(client: Client): Promise<{ perSecond: number; cpu: number }> {
  const run = async (total: number): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next++ < total) await client.call('echo', [1]);
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  };
  await run(2000);
  const start = performance.now();
  const cpu = process.cpuUsage();
  await run(CALLS);
  const used = process.cpuUsage(cpu);
  return {
    perSecond: CALLS / ((performance.now() - start) / 1000),
    cpu: (used.user + used.system) / CALLS,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Each round measures every case once, in turn; returns the calls/s per case per round. */
async function compare<K extends string>(
  cases: Record<K, () => Client>,
): Promise<Record<K, { perSecond: number[]; cpu: number[] }>> {
  const out = {} as Record<K, { perSecond: number[]; cpu: number[] }>;
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(cases) as K[]) {
      const client = cases[name]();
      const r = await rate(client);
      out[name] ??= { perSecond: [], cpu: [] };
      out[name].perSecond.push(r.perSecond);
      out[name].cpu.push(r.cpu);
      await client.close();
    }
  }
  return out;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function ratios(a: number[], b: number[]): { median: number; min: number; max: number } {
  const r = a.map((x, i) => x / b[i]!);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) };
}

const children: ChildProcess[] = [];
try {
  const a = await start('127.0.0.1', children);
  const b = await start('127.0.0.1', children);
  const one = { host: '127.0.0.1', port: a };
  const cost = await compare({
    single: () => createClient(one),
    balanced: () => createClient({ endpoints: [one] }),
  });
  const gain = await compare({
    oneServer: () => createClient({ endpoints: [one] }),
    twoServers: () => createClient({ endpoints: [one, { host: '127.0.0.1', port: b }] }),
  });
  const all = { ...cost, ...gain };
  const result = {
    node: process.version,
    cpus: availableParallelism(),
    rounds: ROUNDS,
    calls: CALLS,
    inFlight: IN_FLIGHT,
    median: Object.fromEntries(
      Object.entries(all).map(([k, v]) => [
        k,
        {
          callsPerSecond: Math.round(median(v.perSecond)),
          clientCpuPerCallUs: round2(median(v.cpu)),
        },
      ]),
    ),
    /** Client CPU per call, balanced / single (1.05 = 5% more). */
    balancerCpuCost: ratios(cost.balanced.cpu, cost.single.cpu),
    balancedOverSingleCallsPerSecond: ratios(cost.balanced.perSecond, cost.single.perSecond),
    twoServersOverOne: ratios(gain.twoServers.perSecond, gain.oneServer.perSecond),
  };
  console.table(result.median);
  const show = (r: { median: number; min: number; max: number }): string =>
    `${r.median.toFixed(3)} (rounds ${r.min.toFixed(3)}-${r.max.toFixed(3)})`;
  console.log(
    `balancer cost, client CPU per call, balanced/single: ${show(result.balancerCpuCost)}`,
  );
  console.log(`calls/s, balanced/single: ${show(result.balancedOverSingleCallsPerSecond)}`);
  console.log(
    `scale-out, calls/s, two servers/one: ${show(result.twoServersOverOne)} (${result.cpus} CPUs shared by the client and the servers)`,
  );
  const dir = new URL('../results/local/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('balance.json', dir), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const child of children) child.kill('SIGTERM');
}
