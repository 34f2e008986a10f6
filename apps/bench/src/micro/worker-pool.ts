// @rerpc/worker-pool micro-benchmarks: 1,000 tiny tasks per call at concurrency 100, through our
// pool (submit, run(fn, arg), tryRun) and through p-limit and p-queue; async and synchronous
// tasks; and what a per-task AbortSignal costs. Figures are per task.
import { createWorkerPool } from '@rerpc/worker-pool';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import { type MicroCase, runMicroSuite } from '../lib/micro.js';

const N = 1000;
const CONCURRENCY = 100;

const asyncTask = async () => 1;
const asyncFn = async (n: number) => n + 1;
const syncTask = () => 1;
const syncFn = (n: number) => n + 1;

function all(n: number, start: (i: number) => Promise<unknown>): Promise<unknown[]> {
  const out = new Array<Promise<unknown>>(n);
  for (let i = 0; i < n; i++) out[i] = start(i);
  return Promise.all(out);
}

function cases(kind: 'async' | 'sync'): MicroCase[] {
  const task = kind === 'async' ? asyncTask : syncTask;
  const fn = kind === 'async' ? asyncFn : syncFn;
  const limit = pLimit(CONCURRENCY);
  const queue = new PQueue({ concurrency: CONCURRENCY });
  const pool = createWorkerPool({ concurrency: CONCURRENCY });
  let pending = 0;
  let finished: (() => void) | null = null;
  const done = () => {
    if (--pending === 0) finished!();
  };
  return [
    {
      name: `p-limit(100), ${kind} tasks`,
      baseline: true,
      opsPerCall: N,
      fn: () => all(N, () => limit(task)),
    },
    {
      name: `p-queue({ concurrency: 100 }), ${kind} tasks`,
      opsPerCall: N,
      fn: () => all(N, () => queue.add(task)),
    },
    {
      name: `worker-pool submit(task), ${kind} tasks`,
      opsPerCall: N,
      fn: () => all(N, () => pool.submit(task)),
    },
    {
      name: `worker-pool run(fn, arg), ${kind} tasks`,
      opsPerCall: N,
      fn: () => all(N, (i) => pool.run(fn, i)),
    },
    {
      name: `worker-pool tryRun(fn, arg, done), ${kind}`,
      opsPerCall: N,
      fn: () =>
        new Promise<void>((resolve) => {
          pending = N;
          finished = resolve;
          for (let i = 0; i < N; i++) pool.tryRun(fn, i, done);
        }),
    },
    {
      name: `unbounded Promise.all (no limiter), ${kind}`,
      opsPerCall: N,
      fn: () => all(N, () => Promise.resolve(task())),
    },
  ];
}

function signalCases(): MicroCase[] {
  const pool = createWorkerPool({ concurrency: CONCURRENCY });
  const ignoresSignal = async () => 1;
  const readsSignal = async (signal: AbortSignal) => (signal.aborted ? 0 : 1);
  const caller = new AbortController();
  return [
    {
      name: 'submit, task ignores its signal',
      baseline: true,
      opsPerCall: N,
      fn: () => all(N, () => pool.submit(ignoresSignal)),
    },
    {
      name: 'submit, task declares (signal): own signal',
      opsPerCall: N,
      fn: () => all(N, () => pool.submit(readsSignal)),
    },
    {
      name: 'submit with { signal }: abort listener',
      opsPerCall: N,
      fn: () => all(N, () => pool.submit(ignoresSignal, { signal: caller.signal })),
    },
  ];
}

export async function run(): Promise<void> {
  await runMicroSuite('worker-pool-async', cases('async'));
  await runMicroSuite('worker-pool-sync', cases('sync'));
  await runMicroSuite('worker-pool-signal', signalCases());
}
