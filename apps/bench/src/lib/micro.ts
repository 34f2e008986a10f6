import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

/** One contender in a micro-benchmark suite. */
export interface MicroCase {
  name: string;
  /** One call; may run `opsPerCall` operations so that timer overhead does not dominate ns-level work. */
  fn: () => unknown | Promise<unknown>;
  /** Operations done by one call of `fn` (default 1). Reported figures are per operation. */
  opsPerCall?: number;
  /** The case every other case in the suite is compared with (default: the first). */
  baseline?: boolean;
}

export interface MicroRow {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  /** Relative margin of error of the mean, in percent. */
  rme: number;
  /** opsPerSec / baseline opsPerSec: above 1 is faster than the baseline. */
  vsBaseline: number;
  samples: number;
}

export interface MicroSuiteResult {
  suite: string;
  baseline: string;
  node: string;
  date: string;
  rows: MicroRow[];
}

export const quick = process.argv.includes('--quick') || process.env['BENCH_QUICK'] === '1';

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Runs the cases side by side, prints a table with ratios and writes results/micro-<suite>.json. */
export async function runMicroSuite(suite: string, cases: MicroCase[]): Promise<MicroSuiteResult> {
  const bench = new Bench({
    name: suite,
    time: quick ? 150 : 800,
    warmupTime: quick ? 50 : 200,
    iterations: 16,
  });
  for (const c of cases) bench.add(c.name, c.fn);
  await bench.run();
  const raw = bench.tasks.map((task, i) => {
    const c = cases[i]!;
    const result = task.result;
    if (result.state !== 'completed') {
      throw new Error(`${suite}/${c.name} did not complete: ${result.state}`);
    }
    const ops = c.opsPerCall ?? 1;
    const opsPerSec = result.throughput.mean * ops;
    return {
      name: c.name,
      opsPerSec,
      nsPerOp: 1e9 / opsPerSec,
      rme: result.latency.rme,
      samples: result.latency.samplesCount,
    };
  });
  const baseIndex = Math.max(
    0,
    cases.findIndex((c) => c.baseline),
  );
  const base = raw[baseIndex]!;
  const rows: MicroRow[] = raw.map((r) => ({ ...r, vsBaseline: r.opsPerSec / base.opsPerSec }));
  const out: MicroSuiteResult = {
    suite,
    baseline: base.name,
    node: process.version,
    date: new Date().toISOString(),
    rows,
  };
  printSuite(out);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `micro-${suite}.json`), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

function printSuite(r: MicroSuiteResult): void {
  const fmt = (n: number) =>
    n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
  console.log(`\n## ${r.suite} (ratios vs ${r.baseline}; >1 is faster)`);
  console.log(
    `${'case'.padEnd(44)} ${'ops/s'.padStart(10)} ${'ns/op'.padStart(10)} ${'±%'.padStart(6)} ${'ratio'.padStart(7)}`,
  );
  for (const row of r.rows) {
    console.log(
      `${row.name.padEnd(44)} ${fmt(row.opsPerSec).padStart(10)} ${row.nsPerOp.toFixed(1).padStart(10)} ${row.rme.toFixed(1).padStart(6)} ${row.vsBaseline.toFixed(2).padStart(6)}×`,
    );
  }
}
