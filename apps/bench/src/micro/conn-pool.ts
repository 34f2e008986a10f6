// @rerpc/conn-pool micro-benchmarks: the acquire/release cycle against generic-pool and tarn, with
// the same trivial resources (empty objects) and the same limits (maxActive 10), so what is
// measured is each pool's own bookkeeping. Three shapes: one caller cycling sequentially (the idle
// fast path), 100 callers contending for 10 resources (the waiter queue), and the sequential cycle
// with a validate() run before every hand-out.
import { createPool } from '@rerpc/conn-pool';
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
}
