import { getEventListeners } from 'node:events';
import { deferred, optionErrorLike } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  AbortError,
  createWorkerPool,
  PoolClosedError,
  QueueFullError,
  type WorkerPool,
  type WorkerPoolOptions,
} from '../src/index.js';
import { state, uncaught } from './helpers.js';

function pool(options?: WorkerPoolOptions): WorkerPool {
  const p = createWorkerPool(options);
  onTestFinished(() => p.close({ timeout: 0 }));
  return p;
}

/** `target` with a `then` property: a hand-made thenable (or not, if `then` is no function). */
function withThen<T extends object>(target: T, then: unknown): T {
  return Object.defineProperty(target, 'then', { value: then, enumerable: true });
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

  it('is saturated only while every slot is busy and the queue is full', async () => {
    expect(pool({ concurrency: 1, maxQueue: 0 }).isSaturated).toBe(false);
    const p = pool({ concurrency: 2, maxQueue: 1 });
    const release = deferred();
    const all = [p.submit(() => release.promise)];
    expect(p.isSaturated).toBe(false);
    all.push(p.submit(() => release.promise));
    expect(p.isSaturated).toBe(false);
    all.push(p.submit(() => release.promise));
    expect(p.isSaturated).toBe(true);
    release.resolve();
    await Promise.all(all);
    expect(p.isSaturated).toBe(false);
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

  const ends: Array<[string, () => string]> = [
    ['returns', () => 'outer'],
    [
      'throws',
      () => {
        throw new Error('outer');
      },
    ],
  ];

  it.each(ends)(
    'a task that queues more work and %s synchronously starts that work as it frees its slot',
    async (_, end) => {
      const p = pool({ concurrency: 1 });
      let inner: Promise<string> | undefined;
      const outer = p.submit(() => {
        inner = p.submit(() => 'inner');
        return end();
      });
      expect(p.stats()).toMatchObject({ running: 0, queued: 0 });
      await outer.catch(() => {});
      await expect(inner).resolves.toBe('inner');
    },
  );

  it.each(ends)(
    'a tryRun task that queues more work and %s synchronously starts that work as it frees its slot',
    (_, end) => {
      const p = pool({ concurrency: 1 });
      const outcomes: unknown[] = [];
      const record = (error: unknown, value: unknown) => outcomes.push(error ?? value);
      p.tryRun(
        () => {
          p.tryRun(() => 'inner', 0, record);
          return end();
        },
        0,
        (error, value) => record(error instanceof Error ? error.message : error, value),
      );
      expect(outcomes).toEqual(['outer', 'inner']);
      expect(p.stats()).toMatchObject({ running: 0, queued: 0 });
    },
  );
});

describe('synchronous fast path', () => {
  it("queues a tryRun from a finishing task's callback behind the tasks already waiting", async () => {
    const p = pool({ concurrency: 1, maxQueue: 10 });
    const started: string[] = [];
    const gate = deferred();
    // The callback runs while the finished task's slot is free and a task still waits.
    p.tryRun(
      () => gate.promise,
      0,
      () => {
        p.tryRun(
          () => started.push('late'),
          0,
          () => {},
        );
      },
    );
    const waiting = p.submit(() => {
      started.push('waiting');
    });
    gate.resolve();
    await waiting;
    await p.onIdle();
    expect(started).toEqual(['waiting', 'late']);
  });

  it("queues a submit from a finishing task's callback behind the tasks already waiting; onIdle there waits for them", async () => {
    const p = pool({ concurrency: 1, maxQueue: 10 });
    const started: string[] = [];
    const gate = deferred();
    const waitingGate = deferred();
    let late: Promise<unknown> | undefined;
    let idle: Promise<void> | undefined;
    p.tryRun(
      () => gate.promise,
      0,
      () => {
        late = p.submit(() => started.push('late'));
        idle = p.onIdle();
      },
    );
    const waiting = p.submit(() => {
      started.push('waiting');
      return waitingGate.promise;
    });
    gate.resolve();
    await gate.promise;
    expect(await state(idle!)).toBe('pending');
    waitingGate.resolve();
    await waiting;
    await late;
    expect(started).toEqual(['waiting', 'late']);
    expect(await state(idle!)).toBe('fulfilled');
  });

  it('tryRun accepts a task that throws synchronously and counts it as failed', () => {
    const p = pool();
    const errors: unknown[] = [];
    const boom = new Error('boom');
    const accepted = p.tryRun(
      () => {
        throw boom;
      },
      0,
      (error) => errors.push(error),
    );
    expect(accepted).toBe(true);
    expect(errors).toEqual([boom]);
    expect(p.stats()).toMatchObject({ failed: 1, completed: 0, running: 0 });
  });

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

  it('holds the slot for a thenable object or function until it settles; other values resolve as they are', async () => {
    const p = pool({ concurrency: 1 });
    let settle!: (value: unknown) => void;
    const thenableFn = withThen(
      () => 0,
      (resolve: (value: unknown) => void) => {
        settle = resolve;
      },
    );
    const held = p.submit(() => thenableFn);
    expect(p.running).toBe(1);
    settle('via then');
    await expect(held).resolves.toBe('via then');
    expect(p.running).toBe(0);
    const plainFn = () => 1;
    for (const value of [null, undefined, 0, '', plainFn, withThen({}, 5)]) {
      await expect(p.submit(() => value)).resolves.toBe(value);
    }
    expect(p.stats()).toMatchObject({ running: 0, completed: 7 });
  });

  it('counts a thenable that settles twice once, and rejects with what a throwing then() throws', async () => {
    const p = pool({ concurrency: 1 });
    const twice = withThen(
      {},
      (resolve: (value: unknown) => void, reject: (error: unknown) => void) => {
        resolve('first');
        resolve('second');
        reject(new Error('late'));
      },
    );
    await expect(p.submit(() => twice)).resolves.toBe('first');
    const boom = new Error('then threw');
    const throwing = withThen({}, () => {
      throw boom;
    });
    await expect(p.submit(() => throwing)).rejects.toBe(boom);
    expect(p.stats()).toMatchObject({ running: 0, completed: 1, failed: 1 });
    await expect(p.submit(() => 'next')).resolves.toBe('next');
  });

  it('tryRun calls done with (null, result, arg) when a returned promise resolves', async () => {
    const p = pool();
    const done = deferred<unknown[]>();
    p.tryRun(
      async (n: number) => n * 2,
      21,
      (...args) => done.resolve(args),
    );
    expect(await done.promise).toEqual([null, 42, 21]);
  });

  it('tryRun reports a thrown null or rejected undefined as an Error naming it, with the value as cause', async () => {
    const p = pool();
    const outcomes: unknown[][] = [];
    p.tryRun(
      () => {
        throw null;
      },
      1,
      (...args) => outcomes.push(args),
    );
    const done = deferred();
    p.tryRun(
      () => Promise.reject(undefined),
      2,
      (...args) => {
        outcomes.push(args);
        done.resolve();
      },
    );
    await done.promise;
    const [[thrown, value1, arg1], [rejected, value2, arg2]] = outcomes as [unknown[], unknown[]];
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({ message: 'The task threw null', cause: null });
    expect(rejected).toBeInstanceOf(Error);
    expect((rejected as Error).message).toBe('The task threw undefined');
    expect(Object.hasOwn(rejected as Error, 'cause')).toBe(true);
    expect([value1, arg1, value2, arg2]).toEqual([undefined, 1, undefined, 2]);
  });

  it('reports a throwing tryRun callback as an uncaught exception on a later tick; the pool carries on', async () => {
    const reported = uncaught();
    const p = pool({ concurrency: 1 });
    const sync = new Error('sync callback');
    const later = new Error('async callback');
    expect(
      p.tryRun(
        () => 1,
        0,
        () => {
          throw sync;
        },
      ),
    ).toBe(true);
    const gate = deferred();
    expect(
      p.tryRun(
        () => gate.promise,
        0,
        () => {
          throw later;
        },
      ),
    ).toBe(true);
    expect(reported).toEqual([]);
    gate.resolve();
    await p.onIdle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([sync, later]);
    await expect(p.submit(() => 'next')).resolves.toBe('next');
    expect(p.stats()).toMatchObject({ completed: 3, failed: 0, running: 0 });
  });

  it('refuses a non-function task, fn or done naming the argument and the value', async () => {
    const p = pool();
    await expect(p.submit(5 as never)).rejects.toThrow(
      optionErrorLike('task must be a function, got 5'),
    );
    await expect(p.run('x' as never, 1)).rejects.toThrow(
      optionErrorLike('task must be a function, got "x"'),
    );
    expect(() => p.tryRun(null as never, 1, () => {})).toThrow(
      optionErrorLike('fn must be a function, got null'),
    );
    expect(() => p.tryRun(() => 1, 1, {} as never)).toThrow(
      optionErrorLike(/^done must be a function, got /),
    );
    expect(p.stats()).toMatchObject({ rejected: 2, completed: 0 });
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

  it('counts a task refused as closed, not a function, or already aborted as rejected, once each', async () => {
    const p = pool();
    await expect(p.submit(5 as never)).rejects.toThrow(TypeError);
    await expect(p.submit(() => 1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      AbortError,
    );
    void p.close();
    await expect(p.run(() => 1, 0)).rejects.toBeInstanceOf(PoolClosedError);
    expect(p.stats()).toMatchObject({ rejected: 3, completed: 0, failed: 0 });
  });

  it('calls onDrain when aborts bring a saturated queue down to drainThreshold', async () => {
    const p = pool({ concurrency: 1, maxQueue: 2, drainThreshold: 1 });
    let drains = 0;
    p.onDrain(() => drains++);
    const release = deferred();
    const running = p.submit(() => release.promise);
    const controller = new AbortController();
    const aborted = p.submit(() => 1, { signal: controller.signal });
    const kept = p.submit(() => 2);
    expect(p.isSaturated).toBe(true);
    controller.abort();
    expect(drains).toBe(1);
    expect(p.queued).toBe(1);
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    release.resolve();
    await expect(kept).resolves.toBe(2);
    await running;
    expect(drains).toBe(1);
  });

  it('a task that aborts its own caller signal as it starts: the caller gets AbortError, the task counts once, as failed', async () => {
    const p = pool({ concurrency: 1 });
    const release = deferred();
    const blocker = p.submit(() => release.promise);
    // Queued, then started by the pump: it aborts its caller's signal, then returns a plain value
    // (first task) or a promise (second task).
    const first = new AbortController();
    const plain = p.submit(
      () => {
        first.abort('mid-run');
        return 'value';
      },
      { signal: first.signal },
    );
    const second = new AbortController();
    const finishSecond = deferred<string>();
    const later = p.submit(
      () => {
        second.abort('mid-run too');
        return finishSecond.promise;
      },
      { signal: second.signal },
    );
    release.resolve();
    await blocker;
    await expect(plain).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'mid-run' });
    await expect(later).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'mid-run too' });
    expect(p.running).toBe(1);
    finishSecond.resolve('ignored');
    await p.onIdle();
    expect(p.stats()).toMatchObject({ completed: 1, failed: 2, running: 0 });
    // On the fast path, with a promise: the caller is answered, the slot stays taken until it settles.
    const third = new AbortController();
    const finishThird = deferred();
    const fast = p.submit(
      () => {
        third.abort('at start');
        return finishThird.promise;
      },
      { signal: third.signal },
    );
    await expect(fast).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'at start' });
    expect(p.running).toBe(1);
    finishThird.resolve();
    await p.onIdle();
    expect(p.stats()).toMatchObject({ completed: 1, failed: 3, running: 0 });
    for (const c of [first, second, third]) {
      expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
    }
  });

  it('removes the abort listener of a queued task that finishes synchronously', async () => {
    const p = pool({ concurrency: 1 });
    const release = deferred();
    const blocker = p.submit(() => release.promise);
    const controller = new AbortController();
    const queued = p.submit(() => 'sync', { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    release.resolve();
    await blocker;
    await expect(queued).resolves.toBe('sync');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it("a queued task that does not declare its signal gets the caller's, or the pool's shared one, when it starts", async () => {
    const p = pool({ concurrency: 1 });
    const release = deferred();
    const blocker = p.submit(() => release.promise);
    const caller = new AbortController();
    const seen: unknown[] = [];
    // Forwarding wrappers declare no parameter (length 0) yet pass the signal on.
    const withCaller = p.submit(
      (...args: AbortSignal[]) => {
        seen.push(args[0]);
        return 'a';
      },
      { signal: caller.signal },
    );
    const withoutCaller = p.submit((...args: AbortSignal[]) => {
      seen.push(args[0]);
      throw new Error('b');
    });
    release.resolve();
    await blocker;
    await expect(withCaller).resolves.toBe('a');
    await expect(withoutCaller).rejects.toThrow('b');
    expect(p.stats()).toMatchObject({ completed: 2, failed: 1, running: 0 });
    const shared = await p.submit((...args: AbortSignal[]) => args[0]);
    expect(shared).toBeInstanceOf(AbortSignal);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(caller.signal);
    expect(seen[1]).toBe(shared);
  });

  it('run() passes the caller signal to fn(arg) that does not declare its own', async () => {
    const p = pool({ concurrency: 1 });
    const controller = new AbortController();
    const seen = deferred<AbortSignal>();
    const running = p.run(
      // Declares only the argument (length 1) yet passes the signal on.
      (_arg: number, ...rest: AbortSignal[]) => {
        seen.resolve(rest[0]!);
        return new Promise(() => {});
      },
      1,
      { signal: controller.signal },
    );
    expect(await seen.promise).toBe(controller.signal);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
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

  it('called from a tryRun callback while no task runs but others wait in the queue, waits for them', async () => {
    // A queued task that finishes synchronously has given its slot back before its callback runs,
    // and the next queued task starts only after: for that moment nothing runs and the queue is not empty.
    const p = pool({ concurrency: 1 });
    const release = deferred();
    const order: string[] = [];
    void p.submit(() => release.promise);
    let closing: Promise<void> | undefined;
    p.tryRun(
      () => 'b',
      undefined,
      () => {
        order.push('b done');
        closing = p.close();
        void closing.then(() => order.push('closed'));
      },
    );
    const c = p.submit(() => release.promise.then(() => order.push('c done')));
    release.resolve();
    await c;
    await closing;
    expect(order).toEqual(['b done', 'c done', 'closed']);
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
    expect(p.stats()).toMatchObject({ failed: 1, running: 1 });
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

  it('past its timeout aborts the own signal of a running task that also has a caller signal; the caller signal is left alone', async () => {
    const p = pool({ concurrency: 2 });
    const caller = new AbortController();
    const reasons: unknown[] = [];
    const task = (signal: AbortSignal) =>
      new Promise(() => {
        signal.addEventListener('abort', () => reasons.push(signal.reason), { once: true });
      });
    const gate = deferred();
    const blocker = p.submit(() => gate.promise);
    const fast = p.submit(task, { signal: caller.signal });
    const queued = p.run((_n: number, signal: AbortSignal) => task(signal), 0, {
      signal: caller.signal,
    });
    gate.resolve();
    await blocker;
    expect(p.stats()).toMatchObject({ running: 2, queued: 0 });
    await p.close({ timeout: 0 });
    expect(reasons).toHaveLength(2);
    expect(reasons.every((r) => r instanceof PoolClosedError)).toBe(true);
    expect(caller.signal.aborted).toBe(false);
    await expect(fast).rejects.toBeInstanceOf(PoolClosedError);
    await expect(queued).rejects.toBeInstanceOf(PoolClosedError);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('past its timeout says so in the error, and a later caller abort changes nothing', async () => {
    const p = pool({ concurrency: 1 });
    const caller = new AbortController();
    const running = p.submit(() => new Promise(() => {}), { signal: caller.signal });
    const queued = p.submit(() => 1, { signal: caller.signal });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    await p.close({ timeout: 0 });
    for (const outcome of [running, queued]) {
      await expect(outcome).rejects.toMatchObject({
        code: 'RERPC_ERR_POOL_CLOSED',
        message: 'The pool closed before this task finished (close timeout passed); it was aborted',
      });
    }
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    caller.abort();
    expect(p.stats()).toMatchObject({ failed: 1, rejected: 1, completed: 0, running: 1 });
  });

  it('counts once a running task its caller aborts while close aborts the running ones', async () => {
    const p = pool({ concurrency: 2 });
    const caller = new AbortController();
    const older = p.submit(
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', reject)),
      {
        signal: caller.signal,
      },
    );
    // close() aborts the newest first: this task's abort listener aborts the older task's caller.
    const newer = p.submit(
      (signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => caller.abort('caller gave up'), { once: true });
        }),
    );
    await p.close({ timeout: 0 });
    await expect(older).rejects.toMatchObject({
      code: 'RERPC_ERR_ABORTED',
      cause: 'caller gave up',
    });
    await expect(newer).rejects.toBeInstanceOf(PoolClosedError);
    expect(p.stats()).toMatchObject({ failed: 2, rejected: 0, running: 1 });
  });

  it('calls onDrain when its timeout empties a saturated queue', async () => {
    const p = pool({ concurrency: 1, maxQueue: 1 });
    let drains = 0;
    p.onDrain(() => drains++);
    const running = p.submit(() => new Promise(() => {}));
    const queued = p.submit(() => 1);
    expect(p.isSaturated).toBe(true);
    await p.close({ timeout: 0 });
    expect(drains).toBe(1);
    await expect(Promise.allSettled([running, queued])).resolves.toHaveLength(2);
  });

  it('waits exactly its timeout; a close that finishes in time leaves no timer behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const p = pool({ concurrency: 1 });
    const never = p.submit(() => new Promise(() => {}));
    const closing = p.close({ timeout: 1_000 });
    vi.advanceTimersByTime(999);
    expect(await state(closing)).toBe('pending');
    vi.advanceTimersByTime(1);
    await closing;
    await expect(never).rejects.toBeInstanceOf(PoolClosedError);
    expect(vi.getTimerCount()).toBe(0);

    const q = pool({ concurrency: 1 });
    const gate = deferred();
    let signal: AbortSignal | undefined;
    const task = q.submit((...args: AbortSignal[]) => {
      signal = args[0];
      return gate.promise;
    });
    const closingInTime = q.close({ timeout: 1_000 });
    expect(vi.getTimerCount()).toBe(1);
    gate.resolve();
    await task;
    await closingInTime;
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(signal?.aborted).toBe(false);
  });

  it('sets no timer for timeout Infinity, and its timer does not keep the process alive', async () => {
    const p = pool({ concurrency: 1 });
    const gate = deferred();
    const task = p.submit(() => gate.promise);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const closing = p.close({ timeout: 60_000 });
    expect(timers()).toBe(before);
    gate.resolve();
    await task;
    await closing;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const q = pool({ concurrency: 1 });
    const release = deferred();
    const waited = q.submit(() => release.promise);
    const forever = q.close({ timeout: Number.POSITIVE_INFINITY });
    expect(vi.getTimerCount()).toBe(0);
    expect(await state(forever)).toBe('pending');
    release.resolve();
    await waited;
    await forever;
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

  it('runs every drain listener even when one throws, and reports the throw on a later tick', async () => {
    const reported = uncaught();
    const p = pool({ concurrency: 1, maxQueue: 0 });
    const boom = new Error('listener');
    const calls: string[] = [];
    p.onDrain(() => {
      calls.push('a');
      throw boom;
    });
    p.onDrain(() => calls.push('b'));
    const gate = deferred();
    const task = p.submit(() => gate.promise);
    gate.resolve();
    await task;
    expect(calls).toEqual(['a', 'b']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([boom]);
  });

  it('a listener that unsubscribes itself and another mid-drain lets that drain finish; later drains skip both', async () => {
    const p = pool({ concurrency: 1, maxQueue: 0 });
    const calls: string[] = [];
    let offB = () => {};
    const offA = p.onDrain(() => {
      calls.push('a');
      offA();
      offB();
    });
    offB = p.onDrain(() => calls.push('b'));
    p.onDrain(() => calls.push('c'));
    for (let i = 0; i < 2; i++) {
      const gate = deferred();
      const task = p.submit(() => gate.promise);
      gate.resolve();
      await task;
    }
    expect(calls).toEqual(['a', 'b', 'c', 'c']);
  });

  it('never calls onDrain for a pool that was never saturated', async () => {
    const p = pool({ concurrency: 1, maxQueue: 2, drainThreshold: 0 });
    let drains = 0;
    p.onDrain(() => drains++);
    const release = deferred();
    const all = [p.submit(() => release.promise), p.submit(() => release.promise)];
    expect(p.stats()).toMatchObject({ running: 1, queued: 1 });
    release.resolve();
    await Promise.all(all);
    expect(drains).toBe(0);
    // No queue at all: a free slot left means not saturated either.
    const q = pool({ concurrency: 2, maxQueue: 0 });
    q.onDrain(() => drains++);
    const one = deferred();
    const task = q.submit(() => one.promise);
    expect(q.isSaturated).toBe(false);
    one.resolve();
    await task;
    expect(drains).toBe(0);
  });

  it('refuses a drain listener that is not a function', () => {
    expect(() => pool().onDrain(5 as never)).toThrow(
      optionErrorLike('onDrain listener must be a function, got 5'),
    );
  });

  it('does not call onDrain while a callback has refilled the pool, only once it really drains', async () => {
    const p = pool({ concurrency: 1, maxQueue: 0 });
    const seen: boolean[] = [];
    p.onDrain(() => seen.push(p.isSaturated));
    const first = deferred();
    const second = deferred();
    const refilled = deferred();
    const done = deferred();
    p.tryRun(
      () => first.promise,
      0,
      () => {
        // The slot has just been freed: take it again at once.
        p.tryRun(
          () => second.promise,
          0,
          () => done.resolve(),
        );
        refilled.resolve();
      },
    );
    expect(p.isSaturated).toBe(true);
    first.resolve();
    await refilled.promise;
    expect(p.isSaturated).toBe(true);
    expect(seen).toEqual([]);
    second.resolve();
    await done.promise;
    expect(seen).toEqual([false]);
  });

  it('onIdle waits while a task runs with nothing queued, resolves every waiter, and resolves at once when idle', async () => {
    const p = pool({ concurrency: 2 });
    const a = deferred();
    const b = deferred();
    const first = p.submit(() => a.promise);
    const second = p.submit(() => b.promise);
    const idle = [p.onIdle(), p.onIdle()];
    expect(await state(idle[0]!)).toBe('pending');
    a.resolve();
    await first;
    expect(await state(idle[0]!)).toBe('pending');
    b.resolve();
    await second;
    expect(await state(idle[0]!)).toBe('fulfilled');
    expect(await state(idle[1]!)).toBe('fulfilled');
    expect(await state(p.onIdle())).toBe('fulfilled');
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
