// @rerpc/conn-pool micro-benchmarks: the acquire/release cycle against generic-pool and tarn, with
// the same trivial resources (empty objects) and the same limits (maxActive 10), so what is
// measured is each pool's own bookkeeping. Three shapes: one caller cycling sequentially (the idle
// fast path), 100 callers contending for 10 resources (the waiter queue), and the sequential cycle
// with a validate() run before every hand-out. Then shared mode (createSharedPool): a lease/unlease
// pair, the per-call cost of a multiplexing client, against an exclusive acquire/release.
import { createPool, createSharedPool, type SharedPool } from '@rerpc/conn-pool';
import * as genericPool from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { type MicroCase, runMicroSuite } from '../lib/micro.js';

const N = 1000;
const MAX = 10;
const WORKERS = 100;

interface Contender {
  name: string;
  acquire(): Promise<object>;
  release(resource: object): void;
  close(): Promise<void>;
}

/** With `validate`, each pool checks a resource before handing it out (generic-pool: testOnBorrow). */
function contenders(validate: boolean): Contender[] {
  const valid = (): boolean => true;
  const ours = createPool<object>({
    create: () => ({}),
    destroy: () => {},
    ...(validate ? { validate: valid } : {}),
    maxActive: MAX,
    maxIdle: MAX,
  });
  const generic = genericPool.createPool<object>(
    {
      create: async () => ({}),
      destroy: async () => {},
      ...(validate ? { validate: async () => true } : {}),
    },
    { max: MAX, min: 0, testOnBorrow: validate },
  );
  const tarn = new TarnPool<object>({
    create: () => Promise.resolve({}),
    destroy: () => {},
    ...(validate ? { validate: valid } : {}),
    min: 0,
    max: MAX,
  });
  const suffix = validate ? ' +validate' : '';
  return [
    {
      name: `@rerpc/conn-pool${suffix}`,
      acquire: () => ours.acquire(),
      release: (r) => ours.release(r),
      close: () => ours.close(),
    },
    {
      name: `generic-pool${suffix}`,
      acquire: () => generic.acquire(),
      release: (r) => void generic.release(r),
      close: async () => {
        await generic.drain();
        await generic.clear();
      },
    },
    {
      name: `tarn${suffix}`,
      acquire: () => tarn.acquire().promise,
      release: (r) => void tarn.release(r),
      close: () => tarn.destroy().then(() => {}),
    },
  ];
}

function sequential(c: Contender, baseline: boolean): MicroCase {
  return {
    name: `${c.name} sequential`,
    baseline,
    opsPerCall: N,
    async fn() {
      for (let i = 0; i < N; i++) c.release(await c.acquire());
    },
  };
}

function contended(c: Contender, baseline: boolean): MicroCase {
  const each = N / WORKERS;
  const worker = async () => {
    for (let i = 0; i < each; i++) {
      const r = await c.acquire();
      // Hold it across a microtask, as real work would, so the others queue.
      await Promise.resolve();
      c.release(r);
    }
  };
  return {
    name: `${c.name} ${WORKERS} callers / ${MAX}`,
    baseline,
    opsPerCall: N,
    async fn() {
      await Promise.all(Array.from({ length: WORKERS }, worker));
    },
  };
}

/** The floor: a bare array used as a stack, no limits, no queue, no bookkeeping. */
function floor(): Contender {
  const free: object[] = [{}];
  return {
    name: 'floor: bare array, no pool',
    acquire: () => Promise.resolve(free.pop() ?? {}),
    release: (r) => void free.push(r),
    close: async () => {},
  };
}

/**
 * A shared pool with `open` resources open: it leases in waves of `loadThreshold` (each wave at
 * the threshold dials one more in the background) until that many are, then unleases everything.
 */
async function sharedWith(
  open: number,
  load?: (resource: object, leases: number) => number,
): Promise<SharedPool<object>> {
  const threshold = 100;
  const pool = createSharedPool<object>({
    create: () => ({ blocked: false }),
    destroy: () => {},
    ...(load === undefined ? {} : { load }),
    maxActive: open,
    loadThreshold: threshold,
  });
  const held: object[] = [];
  for (let round = 0; round < 1000 && pool.stats().active < open; round++) {
    for (let i = 0; i < threshold + 1; i++) {
      const r = pool.lease();
      if (r !== null) held.push(r);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const r of held) pool.unlease(r);
  return pool;
}

/** Shared mode against the exclusive acquire/release cycle (the baseline). */
async function sharedCases(): Promise<{ cases: MicroCase[]; close(): Promise<void> }> {
  const exclusive = createPool<object>({ create: () => ({}), destroy: () => {}, maxActive: MAX });
  const one = await sharedWith(1);
  const ten = await sharedWith(MAX);
  // A load function as a client would pass: calls in flight plus a penalty while its socket is
  // blocked (a field of the resource).
  const weighed = await sharedWith(MAX, (r, leases) =>
    (r as { blocked?: boolean }).blocked === true ? leases + 2 ** 30 : leases,
  );
  const held: object[] = new Array(100);
  const wave = (pool: SharedPool<object>) => () => {
    // 100 in flight over 10 resources: every lease scans all 10 for the least-loaded.
    for (let round = 0; round < N / 100; round++) {
      for (let i = 0; i < 100; i++) held[i] = pool.lease()!;
      for (let i = 0; i < 100; i++) pool.unlease(held[i]!);
    }
  };
  const cases: MicroCase[] = [
    {
      name: 'exclusive acquire → release',
      baseline: true,
      opsPerCall: N,
      async fn() {
        for (let i = 0; i < N; i++) exclusive.release(await exclusive.acquire());
      },
    },
    {
      name: 'shared lease → unlease, 1 open',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) one.unlease(one.lease()!);
      },
    },
    { name: 'shared lease → unlease, 10 open, 100 held', opsPerCall: N, fn: wave(ten) },
    {
      name: 'shared, 10 open, 100 held, load function',
      opsPerCall: N,
      fn: wave(weighed),
    },
    {
      name: 'shared acquire() (promise) → unlease, 1 open',
      opsPerCall: N,
      async fn() {
        for (let i = 0; i < N; i++) one.unlease(await one.acquire());
      },
    },
  ];
  return {
    cases,
    close: async () => {
      await Promise.all([exclusive.close(), one.close(), ten.close(), weighed.close()]);
    },
  };
}

export async function run(): Promise<void> {
  const plain = contenders(false);
  const checked = contenders(true);
  await runMicroSuite('conn-pool', [
    ...plain.map((c, i) => sequential(c, i === 0)),
    sequential(floor(), false),
  ]);
  await runMicroSuite(
    'conn-pool-contended',
    plain.map((c, i) => contended(c, i === 0)),
  );
  await runMicroSuite(
    'conn-pool-validate',
    checked.map((c, i) => sequential(c, i === 0)),
  );
  await Promise.all([...plain, ...checked].map((c) => c.close()));
  const shared = await sharedCases();
  await runMicroSuite('conn-pool-shared', shared.cases);
  await shared.close();
}
