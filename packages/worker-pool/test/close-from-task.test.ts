// A task that closes its own pool from inside itself (close({ timeout: 0 }), or close() with
// closeTimeout 0) is running when close gives up waiting, so close treats it like every running
// task it aborts: its signal aborts, its caller gets the PoolClosedError, it counts as failed, and
// whatever the task then returns or throws is dropped. The fast paths (a free slot) create no Job
// before the task returns, so close could not see it: its result used to reach the caller as a
// success.
import { getEventListeners } from 'node:events';
import { deferred } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createWorkerPool,
  PoolClosedError,
  type WorkerPool,
  type WorkerPoolOptions,
} from '../src/index.js';
import { state } from './helpers.js';

const ABORTED_BY_CLOSE =
  'The pool closed before this task finished (close timeout passed); it was aborted';

function pool(options?: WorkerPoolOptions): WorkerPool {
  const p = createWorkerPool(options);
  onTestFinished(() => p.close({ timeout: 0 }));
  return p;
}

type Body = (signal: AbortSignal) => unknown;
type Entry = (p: WorkerPool, body: Body) => Promise<unknown>;

/** Each entry point, with a task that declares its signal (its own) or not (the shared one). */
const entries: Array<[string, Entry]> = [
  ['submit, own signal', (p, body) => p.submit((signal) => body(signal))],
  ['submit, shared signal', (p, body) => p.submit((...args: AbortSignal[]) => body(args[0]!))],
  ['run, own signal', (p, body) => p.run((_n: number, signal: AbortSignal) => body(signal), 0)],
  ['run, shared signal', (p, body) => p.run((...args: [number, AbortSignal]) => body(args[1]), 0)],
  ['tryRun, own signal', (p, body) => viaTryRun(p, (_n: number, signal) => body(signal))],
  ['tryRun, shared signal', (p, body) => viaTryRun(p, (...args) => body(args[1]))],
];

/** `tryRun` with its callback turned into a promise (a test helper; tryRun allocates none). */
function viaTryRun(
  p: WorkerPool,
  fn: (n: number, signal: AbortSignal) => unknown,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const accepted = p.tryRun(fn, 0, (error, value) =>
      error === null ? resolve(value) : reject(error),
    );
    expect(accepted).toBe(true);
  });
}

/** A task body that closes the pool with `timeout` and records what it saw. */
function closingTask(
  p: WorkerPool,
  timeout: number | undefined,
  end: (signal: AbortSignal) => unknown,
) {
  const seen = {
    signal: undefined as AbortSignal | undefined,
    abortedAfterClose: undefined as boolean | undefined,
    closing: undefined as Promise<void> | undefined,
    order: [] as string[],
  };
  const body: Body = (signal) => {
    seen.signal = signal;
    seen.closing = p.close(timeout === undefined ? undefined : { timeout });
    void seen.closing.then(() => seen.order.push('closed'));
    seen.abortedAfterClose = signal.aborted;
    seen.order.push('returned');
    return end(signal);
  };
  return { seen, body };
}

const ends: Array<[string, () => unknown]> = [
  ['returns a value', () => 'value'],
  [
    'throws',
    () => {
      throw new Error('thrown after close');
    },
  ],
];

/** Where the task runs: on a free slot (a fast path), or started from the queue (`start()`). */
const wheres: Array<[string, (p: WorkerPool, start: () => Promise<unknown>) => Promise<unknown>]> =
  [
    ['on a free slot', (_p, start) => start()],
    [
      'from the queue',
      (p, start) => {
        const gate = deferred();
        void p.submit(() => gate.promise);
        const started = start();
        gate.resolve();
        return started;
      },
    ],
  ];

/** What the caller got: the value, or the error. */
function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

function expectAbortedByClose(error: unknown, signal: AbortSignal | undefined): void {
  expect(error).toBeInstanceOf(PoolClosedError);
  expect(error).toMatchObject({ code: 'RERPC_ERR_POOL_CLOSED', message: ABORTED_BY_CLOSE });
  // The one reason close aborts everything with, and what it aborted this task's signal with.
  expect(signal?.reason).toBe(error);
}

describe('a task that closes its own pool with timeout 0, then returns or throws', () => {
  for (const [entry, start] of entries) {
    for (const [where, queueing] of wheres) {
      it.each(ends)(
        `${entry}, ${where}: a task that then %s is aborted like any running task`,
        async (_, end) => {
          const p = pool({ concurrency: 1 });
          const { seen, body } = closingTask(p, 0, end);
          const result = outcome(queueing(p, () => start(p, body)));
          expectAbortedByClose(await result, seen.signal);
          expect(seen.abortedAfterClose).toBe(true);
          // It counted once, as failed (a blocker ahead of it in the queue completed).
          expect(p.stats()).toMatchObject({
            running: 0,
            queued: 0,
            completed: where === 'from the queue' ? 1 : 0,
            failed: 1,
            rejected: 0,
          });
          await seen.closing;
          expect(seen.order).toEqual(['returned', 'closed']);
        },
      );
    }
  }

  it('tryRun calls done with the PoolClosedError synchronously, after the task returned and before close resolves', async () => {
    const p = pool({ concurrency: 2 });
    const { seen, body } = closingTask(p, 0, () => 42);
    const calls: unknown[][] = [];
    const accepted = p.tryRun(
      (_n: number, signal: AbortSignal) => body(signal),
      7,
      (error, value, arg) => {
        calls.push([error, value, arg]);
        seen.order.push('done');
      },
    );
    expect(accepted).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.slice(1)).toEqual([undefined, 7]);
    expectAbortedByClose(calls[0]![0], seen.signal);
    await seen.closing;
    expect(seen.order).toEqual(['returned', 'done', 'closed']);
  });

  it('close() with closeTimeout 0 does the same', async () => {
    const p = pool({ concurrency: 1, closeTimeout: 0 });
    const { seen, body } = closingTask(p, undefined, () => 'value');
    const result = outcome(p.submit((signal) => body(signal)));
    expect(p.stats()).toMatchObject({ running: 0, completed: 0, failed: 1 });
    expectAbortedByClose(await result, seen.signal);
    await seen.closing;
  });

  it('an outer task that started the closing one on a free slot is aborted too', async () => {
    const p = pool({ concurrency: 2 });
    const { seen, body } = closingTask(p, 0, () => 'inner');
    let inner: Promise<unknown> | undefined;
    const outer = outcome(
      p.submit((signal) => {
        inner = outcome(p.submit((innerSignal) => body(innerSignal)));
        seen.order.push(`outer saw aborted ${signal.aborted}`);
        return 'outer';
      }),
    );
    expect(p.stats()).toMatchObject({ running: 0, completed: 0, failed: 2 });
    expectAbortedByClose(await inner, seen.signal);
    expect(await outer).toBe(await inner);
    await seen.closing;
    expect(seen.order).toEqual(['returned', 'outer saw aborted true', 'closed']);
  });

  it('a graceful close (timeout 1000) from inside a task lets it finish: its value is delivered, then close resolves', async () => {
    const p = pool({ concurrency: 1 });
    const { seen, body } = closingTask(p, 1_000, () => 'value');
    const result = outcome(p.submit((signal) => body(signal)));
    expect(seen.abortedAfterClose).toBe(false);
    expect(p.stats()).toMatchObject({ running: 0, completed: 1, failed: 0 });
    expect(await result).toEqual({ value: 'value' });
    await seen.closing;
    expect(seen.signal?.aborted).toBe(false);
  });
});

describe('an async task that closes its own pool with timeout 0, then returns a promise', () => {
  for (const [entry, start] of entries) {
    for (const [where, queueing] of wheres) {
      it.each(ends)(
        `${entry}, ${where}: its caller is answered at once, and when it then %s that is dropped`,
        async (_, end) => {
          const p = pool({ concurrency: 1 });
          const release = deferred();
          const { seen, body } = closingTask(p, 0, () => undefined);
          const result = outcome(
            queueing(p, () =>
              start(p, async (signal) => {
                body(signal);
                await release.promise;
                return end();
              }),
            ),
          );
          // Answered before the task settles (it never would: release is still pending).
          expect(await state(result)).toBe('fulfilled');
          expectAbortedByClose(await result, seen.signal);
          expect(seen.abortedAfterClose).toBe(true);
          // As for every task close aborts: close resolves without waiting for it, and its slot
          // stays taken until it settles.
          await seen.closing;
          expect(p.stats()).toMatchObject({
            running: 1,
            failed: 1,
            completed: where === 'from the queue' ? 1 : 0,
          });
          release.resolve();
          await p.onIdle();
          expect(p.stats()).toMatchObject({ running: 0, failed: 1, rejected: 0 });
        },
      );
    }
  }
});

describe("a closing task with the caller's signal", () => {
  it('leaves no listener on the caller signal, and a later caller abort changes nothing', async () => {
    const p = pool({ concurrency: 2 });
    const caller = new AbortController();
    const release = deferred();
    let closing: Promise<void> | undefined;
    // Declaring no parameter, the tasks get the caller's signal, which close leaves alone.
    const asyncTask = outcome(
      p.submit(
        () => {
          closing = p.close({ timeout: 0 });
          return release.promise;
        },
        { signal: caller.signal },
      ),
    );
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(caller.signal.aborted).toBe(false);
    caller.abort('too late');
    expect(await asyncTask).toBeInstanceOf(PoolClosedError);
    await closing;
    expect(p.stats()).toMatchObject({ running: 1, failed: 1, rejected: 0 });
    release.resolve();
    await p.onIdle();
    expect(p.stats()).toMatchObject({ running: 0, completed: 0, failed: 1, rejected: 0 });
  });

  it('from the queue: a task that aborts its caller signal and then closes is answered once, with AbortError', async () => {
    const p = pool({ concurrency: 1 });
    const caller = new AbortController();
    const gate = deferred();
    const blocker = p.submit(() => gate.promise);
    const queued = outcome(
      p.submit(
        () => {
          caller.abort('caller gave up');
          void p.close({ timeout: 0 });
          return 'value';
        },
        { signal: caller.signal },
      ),
    );
    gate.resolve();
    await blocker;
    expect(await queued).toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'caller gave up' });
    expect(p.stats()).toMatchObject({ running: 0, completed: 1, failed: 1, rejected: 0 });
  });

  it('from the queue: the watch it got when queued goes with it', async () => {
    const p = pool({ concurrency: 1 });
    const caller = new AbortController();
    const gate = deferred();
    const release = deferred();
    const blocker = p.submit(() => gate.promise);
    const queued = outcome(
      p.submit(
        () => {
          void p.close({ timeout: 0 });
          return release.promise;
        },
        { signal: caller.signal },
      ),
    );
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    gate.resolve();
    await blocker;
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    caller.abort('too late');
    expect(await queued).toBeInstanceOf(PoolClosedError);
    expect(p.stats()).toMatchObject({ running: 1, completed: 1, failed: 1, rejected: 0 });
    expect(await state(p.onIdle())).toBe('pending');
    release.resolve();
    await p.onIdle();
  });
});

describe('close reaches the own signals of exactly the tasks being called', () => {
  const own = entries.filter(([name]) => name.endsWith('own signal'));
  const shared = entries.filter(([name]) => name.endsWith('shared signal'));

  for (const [entry, start] of own) {
    it.each(ends)(
      `${entry}: once a task %s, a later close leaves its signal alone`,
      async (_, end) => {
        const p = pool({ concurrency: 1 });
        const signals: AbortSignal[] = [];
        const task: Body = (signal) => {
          signals.push(signal);
          return end();
        };
        await outcome(start(p, task));
        const gate = deferred();
        const blocker = p.submit(() => gate.promise);
        const queued = outcome(start(p, task));
        gate.resolve();
        await blocker;
        await queued;
        const hung = outcome(p.submit(() => new Promise(() => {})));
        await p.close({ timeout: 0 });
        expect(signals.map((s) => s.aborted)).toEqual([false, false]);
        expect(await hung).toBeInstanceOf(PoolClosedError);
      },
    );
  }

  for (const [entry, start] of shared) {
    it.each(ends)(
      `${entry}: an inner task that %s on a free slot leaves the outer task's signal to close`,
      async (_, end) => {
        const p = pool({ concurrency: 2 });
        let outerAborted: boolean | undefined;
        const outer = outcome(
          p.submit((signal) => {
            void outcome(start(p, end));
            void p.close({ timeout: 0 });
            outerAborted = signal.aborted;
          }),
        );
        expect(outerAborted).toBe(true);
        expect(await outer).toBeInstanceOf(PoolClosedError);
      },
    );

    it.each(ends)(
      `${entry}: an inner task that %s started from the queue leaves the outer task's signal to close`,
      async (_, end) => {
        const p = pool({ concurrency: 2 });
        let outerAborted: boolean | undefined;
        let innerRan = false;
        const outer = outcome(
          p.submit((signal) => {
            // The middle task queues the inner one and frees its slot, which starts the inner one, all
            // while the outer task is still being called.
            p.tryRun(
              () => {
                void outcome(
                  start(p, () => {
                    innerRan = true;
                    return end();
                  }),
                );
              },
              0,
              () => {},
            );
            expect(innerRan).toBe(true);
            void p.close({ timeout: 0 });
            outerAborted = signal.aborted;
          }),
        );
        expect(outerAborted).toBe(true);
        expect(await outer).toBeInstanceOf(PoolClosedError);
      },
    );
  }
});
