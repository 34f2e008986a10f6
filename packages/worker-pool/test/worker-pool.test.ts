import { getEventListeners } from 'node:events';
import { deferred } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  AbortError,
  createWorkerPool,
  PoolClosedError,
  QueueFullError,
  type WorkerPool,
  type WorkerPoolOptions,
} from '../src/index.js';
import { state } from './helpers.js';

function pool(options?: WorkerPoolOptions): WorkerPool {
  const p = createWorkerPool(options);
  onTestFinished(() => p.close({ timeout: 0 }));
  return p;
}

describe('concurrency and queue bounds', () => {
  it('never runs more than concurrency tasks at once across 10,000 submits, and runs them all', async () => {
    const p = pool({ concurrency: 100, maxQueue: 10_000 });
    let now = 0;
    let peak = 0;
    const release = deferred();
    const results: Promise<number>[] = [];
    for (let i = 0; i < 10_000; i++) {
      results.push(
        p.submit(async () => {
          now++;
          peak = Math.max(peak, now);
          await release.promise;
          now--;
          return i;
        }),
      );
    }
    expect(p.running).toBe(100);
    expect(p.queued).toBe(9_900);
    release.resolve();
    const values = await Promise.all(results);
    expect(peak).toBe(100);
    expect(values[9_999]).toBe(9_999);
    expect(p.stats()).toMatchObject({ running: 0, queued: 0, completed: 10_000, failed: 0 });
  });

  it('rejects the task past maxQueue at once with QueueFullError and never runs it', async () => {
    const p = pool({ concurrency: 1, maxQueue: 2 });
    const release = deferred();
    const accepted = [0, 1, 2].map(() => p.submit(() => release.promise));
    expect(p.isSaturated).toBe(true);
    let ran = false;
    const refused = p.submit(() => {
      ran = true;
    });
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toMatchObject({ code: 'RERPC_ERR_QUEUE_FULL' });
    expect(await state(accepted[0]!)).toBe('pending');
    release.resolve();
    await Promise.all(accepted);
    expect(ran).toBe(false);
    expect(p.stats()).toMatchObject({ completed: 3, rejected: 1 });
  });

  it('with maxQueue 0 refuses a task whenever every slot is busy', async () => {
    const p = pool({ concurrency: 2, maxQueue: 0 });
    const release = deferred();
    const accepted = [p.submit(() => release.promise), p.submit(() => release.promise)];
    expect(p.isSaturated).toBe(true);
    await expect(p.submit(() => 1)).rejects.toBeInstanceOf(QueueFullError);
    release.resolve();
    await Promise.all(accepted);
    await expect(p.submit(() => 1)).resolves.toBe(1);
  });
});

describe('order', () => {
  it('starts queued tasks in submission order (FIFO)', async () => {
    const p = pool({ concurrency: 3, maxQueue: 100 });
    const started: number[] = [];
    const release = deferred();
    const all = Array.from({ length: 60 }, (_, i) =>
      p.submit(async () => {
        started.push(i);
        await release.promise;
      }),
    );
    release.resolve();
    await Promise.all(all);
    expect(started).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('queues a task submitted from a finishing task behind those already waiting', async () => {
    const p = pool({ concurrency: 1, maxQueue: 10 });
    const started: string[] = [];
    const release = deferred();
    const late: Promise<unknown>[] = [];
    const first = p.submit(async () => {
      started.push('first');
      await release.promise;
    });
    const waiting = p.submit(() => {
      started.push('waiting');
    });
    first.then(() => late.push(p.submit(() => started.push('late'))));
    release.resolve();
    await first;
    await waiting;
    await Promise.all(late);
    expect(started).toEqual(['first', 'waiting', 'late']);
  });
});

describe('synchronous fast path', () => {
  it('runs a task synchronously when a slot is free and resolves with its plain value', async () => {
    const p = pool();
    let ran = false;
    const result = p.submit(() => {
      ran = true;
      return 5;
    });
    expect(ran).toBe(true);
    expect(p.running).toBe(0);
    await expect(result).resolves.toBe(5);
    expect(p.stats()).toMatchObject({ completed: 1, running: 0 });
  });

  it('rejects with what a task throws synchronously and frees its slot', async () => {
    const p = pool({ concurrency: 1 });
    const boom = new Error('boom');
    await expect(
      p.submit(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(p.stats()).toMatchObject({ failed: 1, running: 0 });
    await expect(p.submit(() => 'next')).resolves.toBe('next');
  });

  it('run(fn, arg) calls fn with the argument and a signal', async () => {
    const p = pool();
    const add = (n: number, signal: AbortSignal) => (signal instanceof AbortSignal ? n + 1 : -1);
    await expect(p.run(add, 41)).resolves.toBe(42);
    await expect(p.run(async (n: number) => n * 2, 21)).resolves.toBe(42);
  });

  it('tryRun calls done synchronously with (null, result, arg) for a plain value', () => {
    const p = pool();
    const calls: unknown[][] = [];
    const accepted = p.tryRun(
      (n: number) => n * 2,
      21,
      (...args) => calls.push(args),
    );
    expect(accepted).toBe(true);
    expect(calls).toEqual([[null, 42, 21]]);
  });

  it('tryRun reports a thrown or rejected error, wrapping a thrown undefined in an Error', async () => {
    const p = pool();
    const errors: unknown[] = [];
    p.tryRun(
      () => {
        throw undefined;
      },
      1,
      (error) => errors.push(error),
    );
    const done = deferred();
    p.tryRun(
      async () => {
        throw new Error('async');
      },
      2,
      (error) => {
        errors.push(error);
        done.resolve();
      },
    );
    await done.promise;
    expect(errors[0]).toBeInstanceOf(Error);
    expect((errors[0] as Error).cause).toBeUndefined();
    expect((errors[1] as Error).message).toBe('async');
  });

  it('tryRun returns false without calling done when the queue is full or the pool is closed', async () => {
    const p = pool({ concurrency: 1, maxQueue: 1 });
    const release = deferred();
    const calls: unknown[] = [];
    const record = (error: unknown, value: unknown) => calls.push(error ?? value);
    expect(p.tryRun(() => release.promise.then(() => 'a'), 0, record)).toBe(true);
    expect(p.tryRun(() => 'b', 0, record)).toBe(true);
    expect(p.tryRun(() => 'c', 0, record)).toBe(false);
    release.resolve();
    await p.onIdle();
    expect(calls).toEqual(['a', 'b']);
    void p.close();
    expect(p.tryRun(() => 'd', 0, record)).toBe(false);
    expect(calls).toEqual(['a', 'b']);
    expect(p.stats().rejected).toBe(2);
  });
});

describe('abort', () => {
  it('removes an aborted queued task at once with AbortError (cause = reason); it never runs', async () => {
    const p = pool({ concurrency: 1 });
    const release = deferred();
    const blocker = p.submit(() => release.promise);
    const controller = new AbortController();
    let ran = false;
    const queued = p.submit(
      () => {
        ran = true;
      },
      { signal: controller.signal },
    );
    expect(p.queued).toBe(1);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(p.queued).toBe(0);
    const error = await queued.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'RERPC_ERR_ABORTED', cause: reason });
    expect(await state(blocker)).toBe('pending');
    release.resolve();
    await blocker;
    await p.onIdle();
    expect(ran).toBe(false);
    expect(p.stats()).toMatchObject({ completed: 1, rejected: 1 });
  });

  it('rejects at once, without running, a task whose signal is already aborted', async () => {
    const p = pool();
    let ran = false;
    const error = await p
      .submit(
        () => {
          ran = true;
        },
        { signal: AbortSignal.abort('early') },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'early' });
    expect(ran).toBe(false);
  });

  it('aborts a running task cooperatively: its signal fires, the caller is rejected at once, the slot frees when the task ends', async () => {
    const p = pool({ concurrency: 1 });
    const controller = new AbortController();
    const taskSeen = deferred<unknown>();
    const finish = deferred();
    const running = p.submit(
      (signal) => {
        signal.addEventListener('abort', () => taskSeen.resolve(signal.reason), { once: true });
        return finish.promise.then(() => 'late result');
      },
      { signal: controller.signal },
    );
    controller.abort('stop');
    await expect(running).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'stop' });
    expect(await taskSeen.promise).toBe('stop');
    expect(p.running).toBe(1);
    finish.resolve();
    await p.onIdle();
    expect(p.stats()).toMatchObject({ running: 0, failed: 1, completed: 0 });
  });

  it('passes the caller signal to a task that does not declare its own, so it still sees the abort', async () => {
    const p = pool({ concurrency: 1 });
    const controller = new AbortController();
    const seen = deferred<AbortSignal>();
    const running = p.submit(
      // A forwarding wrapper declares no parameter (length 0) yet passes the signal on.
      (...args: AbortSignal[]) => {
        seen.resolve(args[0]!);
        return new Promise(() => {});
      },
      { signal: controller.signal },
    );
    expect(await seen.promise).toBe(controller.signal);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
  });
  it('keeps one abort listener on a signal many pending tasks share, and removes it when they finish', async () => {
    const p = pool({ concurrency: 10, maxQueue: 100 });
    const shared = new AbortController();
    const release = deferred();
    const all = Array.from({ length: 50 }, (_, i) =>
      p.submit(() => release.promise.then(() => i), { signal: shared.signal }),
    );
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(1);
    release.resolve();
    await Promise.all(all);
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
  });

  it('aborting a shared signal rejects every queued and running task that uses it, and only those', async () => {
    const p = pool({ concurrency: 2, maxQueue: 100 });
    const shared = new AbortController();
    const release = deferred();
    const sharing = Array.from({ length: 6 }, () =>
      p.submit(() => release.promise, { signal: shared.signal }).catch((e: unknown) => e),
    );
    const other = p.submit(() => release.promise.then(() => 'kept'));
    shared.abort('gone');
    const errors = await Promise.all(sharing);
    expect(errors.every((e) => e instanceof AbortError && e.cause === 'gone')).toBe(true);
    release.resolve();
    await expect(other).resolves.toBe('kept');
    await p.onIdle();
    expect(p.stats()).toMatchObject({ completed: 1, failed: 2, rejected: 4 });
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
  });
});

describe('close', () => {
  it('finishes running and queued tasks, refuses new ones, and returns the same promise twice', async () => {
    const p = pool({ concurrency: 2, maxQueue: 100 });
    const release = deferred();
    const accepted = Array.from({ length: 10 }, (_, i) =>
      p.submit(() => release.promise.then(() => i)),
    );
    const closing = p.close();
    expect(p.close()).toBe(closing);
    expect(p.closed).toBe(true);
    await expect(p.submit(() => 1)).rejects.toBeInstanceOf(PoolClosedError);
    await expect(p.submit(() => 1)).rejects.toMatchObject({ code: 'RERPC_ERR_POOL_CLOSED' });
    expect(await state(closing)).toBe('pending');
    release.resolve();
    await expect(Promise.all(accepted)).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await closing;
    expect(p.stats()).toMatchObject({ completed: 10, failed: 0, rejected: 2 });
  });

  it('resolves at once when idle', async () => {
    const p = pool();
    await expect(p.close()).resolves.toBeUndefined();
  });

  it('past its timeout rejects queued and running tasks with PoolClosedError and aborts running signals', async () => {
    const p = pool({ concurrency: 1 });
    const reasons: unknown[] = [];
    const running = p.submit(
      (signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => reasons.push(signal.reason), { once: true });
        }),
    );
    let queuedRan = false;
    const queued = p.submit(() => {
      queuedRan = true;
    });
    await p.close({ timeout: 20 });
    await expect(running).rejects.toBeInstanceOf(PoolClosedError);
    await expect(queued).rejects.toBeInstanceOf(PoolClosedError);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(PoolClosedError);
    expect(queuedRan).toBe(false);
    expect(p.stats()).toMatchObject({ failed: 1, rejected: 1, completed: 0 });
  });

  it('with timeout 0 aborts what is left at once', async () => {
    const p = pool({ concurrency: 1 });
    const never = p.submit(() => new Promise(() => {}));
    const closing = p.close({ timeout: 0 });
    await expect(never).rejects.toBeInstanceOf(PoolClosedError);
    await closing;
  });

  it('aborts the shared signal a task without a caller signal reads, when the timeout passes', async () => {
    const p = pool({ concurrency: 1 });
    const seen = deferred<AbortSignal>();
    const running = p.submit(
      // A forwarding wrapper declares no parameter (length 0) yet passes the signal on.
      (...args: AbortSignal[]) => {
        seen.resolve(args[0]!);
        return new Promise(() => {});
      },
    );
    const signal = await seen.promise;
    expect(signal.aborted).toBe(false);
    await p.close({ timeout: 0 });
    expect(signal.reason).toBeInstanceOf(PoolClosedError);
    await expect(running).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('rejects an invalid timeout without closing', async () => {
    const p = pool();
    await expect(p.close({ timeout: -1 })).rejects.toThrow(
      'timeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got -1',
    );
    expect(p.closed).toBe(false);
  });

  it('closes through Symbol.asyncDispose', async () => {
    const p = pool();
    await p[Symbol.asyncDispose]();
    expect(p.closed).toBe(true);
  });
});

describe('backpressure signals', () => {
  it('calls onDrain once when a saturated queue gets down to drainThreshold', async () => {
    const p = pool({ concurrency: 1, maxQueue: 4, drainThreshold: 1 });
    const gates = Array.from({ length: 5 }, () => deferred());
    let drains = 0;
    const queuedAtDrain: number[] = [];
    p.onDrain(() => {
      drains++;
      queuedAtDrain.push(p.queued);
    });
    const all = gates.map((g) => p.submit(() => g.promise));
    expect(p.isSaturated).toBe(true);
    for (const [i, g] of gates.entries()) {
      g.resolve();
      await all[i];
    }
    expect(drains).toBe(1);
    expect(queuedAtDrain).toEqual([1]);
    expect(p.isSaturated).toBe(false);
  });

  it('stops calling a drain listener after it unsubscribes', async () => {
    const p = pool({ concurrency: 1, maxQueue: 0 });
    let drains = 0;
    const off = p.onDrain(() => drains++);
    const first = deferred();
    const a = p.submit(() => first.promise);
    first.resolve();
    await a;
    expect(drains).toBe(1);
    off();
    const second = deferred();
    const b = p.submit(() => second.promise);
    second.resolve();
    await b;
    expect(drains).toBe(1);
  });

  it('onIdle resolves once nothing runs or waits', async () => {
    const p = pool({ concurrency: 1 });
    const release = deferred();
    void p.submit(() => release.promise);
    void p.submit(() => undefined);
    const idle = p.onIdle();
    expect(await state(idle)).toBe('pending');
    release.resolve();
    await idle;
    expect(p.stats()).toMatchObject({ running: 0, queued: 0, completed: 2 });
  });
});

describe('stats', () => {
  it('accounts for every submit once: completed + failed + rejected', async () => {
    const p = pool({ concurrency: 2, maxQueue: 3 });
    const release = deferred();
    const outcomes = Array.from({ length: 8 }, (_, i) =>
      p
        .submit(() =>
          release.promise.then(() => {
            if (i % 2) throw new Error('odd');
            return i;
          }),
        )
        .catch(() => 'x'),
    );
    release.resolve();
    await Promise.all(outcomes);
    const s = p.stats();
    expect(s.completed + s.failed + s.rejected).toBe(8);
    expect(s).toEqual({
      running: 0,
      queued: 0,
      completed: 3,
      failed: 2,
      rejected: 3,
      concurrency: 2,
      maxQueue: 3,
    });
  });
});
