// @rerpc/object-pool micro-benchmarks: a request-record-sized object (8 fields) and 4 KiB / 64 KiB
// buffers, pooled vs plainly allocated. Each case keeps a ring of live items (as a server keeps
// requests in flight), so nothing can be optimised away by escape analysis: an item is allocated
// (or acquired), written, and the one it evicts from the ring is dropped (or released). Records
// run twice: 64 in flight (they die young, in the nursery) and 100,000 in flight (they live long
// enough to survive scavenges and be promoted, which is where allocation gets expensive). Then, outside tinybench, a fixed loop per case counts GC runs and heap growth
// (run with `node --expose-gc` for a clean heap before each loop), and times the whole loop: its
// ns/op includes GC pauses, which tinybench's mean of per-sample rates mostly hides.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { createBufferPool, createObjectPool } from '@rerpc/object-pool';
import { type MicroCase, quick, resultsDir, runMicroSuite } from '../lib/micro.js';

const IN_FLIGHT = 64;
const IN_FLIGHT_LONG = 100_000;
const OPS = 1000;

class RequestRecord {
  id: number | string | null = null;
  method = '';
  params: unknown = null;
  conn: object | null = null;
  start = 0;
  deadline = 0;
  signal: AbortSignal | null = null;
  next: RequestRecord | null = null;
}

function resetRecord(r: RequestRecord): void {
  r.id = null;
  r.method = '';
  r.params = null;
  r.conn = null;
  r.start = 0;
  r.deadline = 0;
  r.signal = null;
  r.next = null;
}

const conn = {};
const params = { a: 1, b: 2 };

function fill(r: RequestRecord, i: number): void {
  r.id = i;
  r.method = 'Arith.Add';
  r.params = params;
  r.conn = conn;
  r.start = i;
  r.deadline = i + 1000;
}

/** One case: `step(i)` does one operation; the suite runs OPS per tinybench call. */
interface Op {
  name: string;
  step: (i: number) => void;
  baseline?: boolean;
}

function recordOps(inFlight: number): Op[] {
  const label = `record, ${inFlight} live`;
  const plainRing = new Array<RequestRecord | null>(inFlight).fill(null);
  const literalRing = new Array<object | null>(inFlight).fill(null);
  const pooledRing = new Array<RequestRecord | null>(inFlight).fill(null);
  const checkedRing = new Array<RequestRecord | null>(inFlight).fill(null);
  const pool = createObjectPool({
    create: () => new RequestRecord(),
    reset: resetRecord,
    max: 1024,
  });
  const checked = createObjectPool({
    create: () => new RequestRecord(),
    reset: resetRecord,
    max: 1024,
    checked: true,
  });
  return [
    {
      name: `${label}: new RequestRecord()`,
      baseline: true,
      step(i) {
        const r = new RequestRecord();
        fill(r, i);
        plainRing[i % inFlight] = r;
      },
    },
    {
      name: `${label}: object literal`,
      step(i) {
        literalRing[i % inFlight] = {
          id: i,
          method: 'Arith.Add',
          params,
          conn,
          start: i,
          deadline: i + 1000,
          signal: null,
          next: null,
        };
      },
    },
    {
      name: `${label}: pool acquire/release`,
      step(i) {
        const slot = i % inFlight;
        const old = pooledRing[slot];
        if (old !== null && old !== undefined) pool.release(old);
        const r = pool.acquire();
        fill(r, i);
        pooledRing[slot] = r;
      },
    },
    {
      name: `${label}: checked pool`,
      step(i) {
        const slot = i % inFlight;
        const old = checkedRing[slot];
        if (old !== null && old !== undefined) checked.release(old);
        const r = checked.acquire();
        fill(r, i);
        checkedRing[slot] = r;
      },
    },
  ];
}

function bufferOps(size: number): Op[] {
  const kib = `${size / 1024} KiB`;
  const unsafeRing = new Array<Buffer | null>(IN_FLIGHT).fill(null);
  const zeroRing = new Array<Buffer | null>(IN_FLIGHT).fill(null);
  const pooledRing = new Array<Buffer | null>(IN_FLIGHT).fill(null);
  const pool = createBufferPool();
  return [
    {
      name: `${kib}: Buffer.allocUnsafe`,
      baseline: true,
      step(i) {
        const b = Buffer.allocUnsafe(size);
        b[0] = i & 255;
        b[size - 1] = i & 255;
        unsafeRing[i % IN_FLIGHT] = b;
      },
    },
    {
      name: `${kib}: Buffer.alloc (zeroed)`,
      step(i) {
        const b = Buffer.alloc(size);
        b[0] = i & 255;
        b[size - 1] = i & 255;
        zeroRing[i % IN_FLIGHT] = b;
      },
    },
    {
      name: `${kib}: buffer pool acquire/release`,
      step(i) {
        const slot = i % IN_FLIGHT;
        const old = pooledRing[slot];
        if (old !== null && old !== undefined) pool.release(old);
        const b = pool.acquire(size);
        b[0] = i & 255;
        b[size - 1] = i & 255;
        pooledRing[slot] = b;
      },
    },
  ];
}

function toCases(ops: Op[], perCall: number): MicroCase[] {
  return ops.map((op) => {
    let i = 0;
    return {
      name: op.name,
      baseline: op.baseline,
      opsPerCall: perCall,
      fn() {
        for (let k = 0; k < perCall; k++) op.step(i++);
      },
    };
  });
}

interface GcRow {
  name: string;
  ops: number;
  /** Wall-clock time of the whole loop per operation, GC pauses included. */
  nsPerOp: number;
  gcRuns: number;
  gcMs: number;
  heapUsedDeltaKiB: number;
  arrayBuffersDeltaKiB: number;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `ops` operations and reports GC runs (PerformanceObserver 'gc'; its entries arrive after
 * the GC callback, hence the turns before collecting them) and memory deltas.
 */
async function gcEffect(op: Op, ops: number, warm = 1000): Promise<GcRow> {
  const gc = (globalThis as { gc?: () => void }).gc;
  let i = 0;
  for (let k = 0; k < warm; k++) op.step(i++); // warm the code, fill the ring and the pool
  gc?.();
  await turn();
  gc?.();
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  await turn();
  entries.length = 0;
  const before = process.memoryUsage();
  const start = process.hrtime.bigint();
  for (let k = 0; k < ops; k++) op.step(i++);
  const elapsed = Number(process.hrtime.bigint() - start);
  const after = process.memoryUsage();
  await turn();
  await turn();
  entries.push(...observer.takeRecords());
  observer.disconnect();
  return {
    name: op.name,
    ops,
    nsPerOp: elapsed / ops,
    gcRuns: entries.length,
    gcMs: entries.reduce((sum, e) => sum + e.duration, 0),
    heapUsedDeltaKiB: Math.round((after.heapUsed - before.heapUsed) / 1024),
    arrayBuffersDeltaKiB: Math.round((after.arrayBuffers - before.arrayBuffers) / 1024),
  };
}

function printGc(rows: GcRow[]): void {
  console.log(
    `\n## object-pool GC effect (fixed loops${(globalThis as { gc?: unknown }).gc ? ', --expose-gc' : '; run with --expose-gc for a clean heap'})`,
  );
  console.log(
    `${'case'.padEnd(44)} ${'ops'.padStart(9)} ${'ns/op'.padStart(7)} ${'GC runs'.padStart(8)} ${'GC ms'.padStart(8)} ${'heap Δ KiB'.padStart(11)} ${'ArrayBuf Δ KiB'.padStart(15)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(44)} ${String(r.ops).padStart(9)} ${r.nsPerOp.toFixed(1).padStart(7)} ${String(r.gcRuns).padStart(8)} ${r.gcMs.toFixed(1).padStart(8)} ${String(r.heapUsedDeltaKiB).padStart(11)} ${String(r.arrayBuffersDeltaKiB).padStart(15)}`,
    );
  }
}

export async function run(): Promise<void> {
  await runMicroSuite('object-pool-record', toCases(recordOps(IN_FLIGHT), OPS));
  await runMicroSuite('object-pool-record-long', toCases(recordOps(IN_FLIGHT_LONG), OPS));
  const buf4 = bufferOps(4096);
  const buf64 = bufferOps(65_536);
  await runMicroSuite('object-pool-4k', toCases(buf4, OPS / 10));
  await runMicroSuite('object-pool-64k', toCases(buf64, OPS / 100));
  const scale = quick ? 0.1 : 1;
  const rows: GcRow[] = [];
  for (const op of recordOps(IN_FLIGHT)) rows.push(await gcEffect(op, 2_000_000 * scale));
  for (const op of recordOps(IN_FLIGHT_LONG)) {
    rows.push(await gcEffect(op, 2_000_000 * scale, IN_FLIGHT_LONG));
  }
  for (const op of bufferOps(4096)) rows.push(await gcEffect(op, 200_000 * scale));
  for (const op of bufferOps(65_536)) rows.push(await gcEffect(op, 50_000 * scale));
  printGc(rows);
  writeFileSync(
    join(resultsDir, 'micro-object-pool-gc.json'),
    `${JSON.stringify({ suite: 'object-pool-gc', node: process.version, exposeGc: Boolean((globalThis as { gc?: unknown }).gc), date: new Date().toISOString(), rows }, null, 2)}\n`,
  );
}
