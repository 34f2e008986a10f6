import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  AbortError,
  createThreadPool,
  PoolClosedError,
  QueueFullError,
  type ThreadPool,
  type ThreadPoolOptions,
} from '../src/threads.js';
import { state } from './helpers.js';

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url);

interface SpinResult {
  threadId: number;
  released: boolean;
}

function pool<T, R>(options: Partial<ThreadPoolOptions> = {}): ThreadPool<T, R> {
  const p = createThreadPool<T, R>({ filename: fixture, threads: 1, ...options });
  onTestFinished(() => p.close({ timeout: 0 }));
  return p;
}

/** Shared flags: [0] set by the worker when its loop begins, [1] set by us to end the loop. */
function flags() {
  const buffer = new SharedArrayBuffer(8);
  const view = new Int32Array(buffer);
  return {
    buffer,
    started: () => Atomics.load(view, 0) === 1,
    release: () => Atomics.store(view, 1, 1),
  };
}

/** Resolves on the first event-loop turn (setImmediate) at which `ready()` holds; bounded. */
async function turnsUntil(ready: () => boolean, max = 1_000_000): Promise<number> {
  for (let turns = 0; turns < max; turns++) {
    if (ready()) return turns;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}

describe('thread pool', () => {
  it('runs a CPU-bound task on another thread while the event loop keeps turning', async () => {
    const p = pool<{ flags: SharedArrayBuffer }, SpinResult>({ name: 'spin' });
    const f = flags();
    const result = p.submit({ flags: f.buffer });
    await turnsUntil(f.started);
    // The worker is now busy-looping; these event-loop turns can only happen off its thread.
    let turnsWhileBusy = 0;
    for (; turnsWhileBusy < 5; turnsWhileBusy++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await state(result)).toBe('pending');
    f.release();
    const { threadId: workerThread, released } = await result;
    expect(released).toBe(true);
    expect(turnsWhileBusy).toBe(5);
    expect(workerThread).not.toBe(threadId);
  });

  it('resolves with the worker export result and rejects with what the worker throws', async () => {
    const p = pool<number, number>();
    await expect(p.submit(7)).resolves.toBe(49);
    await expect(p.submit(-1)).rejects.toThrow('negative input: -1');
    expect(p.stats()).toMatchObject({ completed: 1, failed: 1, concurrency: 1 });
  });

  it('queues past the thread count and refuses past maxQueue with QueueFullError', async () => {
    const p = pool<{ flags: SharedArrayBuffer }, SpinResult>({ name: 'spin', maxQueue: 1 });
    const f = flags();
    const running = p.submit({ flags: f.buffer });
    const queued = p.submit({ flags: f.buffer });
    expect(p.isSaturated).toBe(true);
    await expect(p.submit({ flags: f.buffer })).rejects.toBeInstanceOf(QueueFullError);
    await turnsUntil(f.started);
    f.release();
    await expect(running).resolves.toMatchObject({ released: true });
    await expect(queued).resolves.toMatchObject({ released: true });
  });

  it('removes an aborted queued task at once; it never reaches a thread', async () => {
    const p = pool<{ flags: SharedArrayBuffer }, SpinResult>({ name: 'spin' });
    const f = flags();
    const running = p.submit({ flags: f.buffer });
    const controller = new AbortController();
    const queued = p.submit({ flags: f.buffer }, { signal: controller.signal });
    controller.abort('no longer needed');
    await expect(queued).rejects.toMatchObject({
      code: 'RERPC_ERR_ABORTED',
      cause: 'no longer needed',
    });
    expect(p.queued).toBe(0);
    await turnsUntil(f.started);
    f.release();
    await running;
    expect(p.stats()).toMatchObject({ completed: 1, rejected: 1 });
  });

  it('aborts a running CPU-bound task by terminating its thread, and keeps serving', async () => {
    const p = pool<unknown, unknown>({ name: 'spin' });
    const f = flags();
    const controller = new AbortController();
    const running = p.submit({ flags: f.buffer }, { signal: controller.signal });
    await turnsUntil(f.started);
    controller.abort('too slow');
    await expect(running).rejects.toBeInstanceOf(AbortError);
    await p.onIdle();
    const g = flags();
    g.release();
    await expect(p.submit({ flags: g.buffer })).resolves.toMatchObject({ released: true });
  });

  it('close waits for accepted tasks; past its timeout it rejects the rest with PoolClosedError', async () => {
    const p = pool<{ flags: SharedArrayBuffer }, SpinResult>({ name: 'spin' });
    const f = flags();
    const running = p.submit({ flags: f.buffer });
    const queued = p.submit({ flags: f.buffer });
    const outcomes = Promise.allSettled([running, queued]);
    await turnsUntil(f.started);
    const closing = p.close({ timeout: 20 });
    expect(p.close()).toBe(closing);
    await expect(p.submit({ flags: f.buffer })).rejects.toBeInstanceOf(PoolClosedError);
    await closing;
    const [r, q] = await outcomes;
    expect(r.status === 'rejected' && r.reason).toBeInstanceOf(PoolClosedError);
    expect(q.status === 'rejected' && q.reason).toBeInstanceOf(PoolClosedError);
    expect(p.stats()).toMatchObject({ failed: 1, rejected: 2, running: 0 });
  });

  it('close lets running and queued tasks finish when they do so in time', async () => {
    const p = pool<number, number>();
    const results = [p.submit(2), p.submit(3), p.submit(4)];
    await p.close({ timeout: Number.POSITIVE_INFINITY });
    await expect(Promise.all(results)).resolves.toEqual([4, 9, 16]);
  });

  it('moves transferList buffers to the worker instead of copying them', async () => {
    const p = pool<{ flags: SharedArrayBuffer }, SpinResult>({ name: 'spin' });
    const f = flags();
    f.release();
    const moved = new ArrayBuffer(16);
    const result = p.submit({ flags: f.buffer, moved } as never, { transferList: [moved] });
    expect(moved.byteLength).toBe(0);
    await expect(result).resolves.toMatchObject({ released: true });
  });

  it('takes a filename as a path too, and hands every thread workerData', async () => {
    const p = pool<null, unknown>({
      filename: fileURLToPath(fixture),
      name: 'data',
      workerData: { answer: 42 },
    });
    await expect(p.submit(null)).resolves.toEqual({ answer: 42 });
  });

  it('takes empty per-task options, a null signal and a null transferList', async () => {
    const p = pool<number, number>();
    await expect(p.submit(2, {})).resolves.toBe(4);
    await expect(p.submit(3, { signal: null, transferList: null as never })).resolves.toBe(9);
    await expect(p.submit(4, { signal: undefined, transferList: undefined })).resolves.toBe(16);
    await expect(p.submit(-1, { signal: new AbortController().signal })).rejects.toThrow(
      'negative input: -1',
    );
    expect(p.stats()).toMatchObject({ completed: 3, failed: 1, rejected: 0 });
  });

  it('reports running, queued, saturation, drain, idle and close like the worker pool', async () => {
    const p = pool<{ flags: SharedArrayBuffer }, SpinResult>({
      name: 'spin',
      maxQueue: 1,
      drainThreshold: 0,
    });
    let drains = 0;
    p.onDrain(() => drains++);
    const f = flags();
    const running = p.submit({ flags: f.buffer });
    const queued = p.submit({ flags: f.buffer });
    expect([p.running, p.queued, p.isSaturated, p.closed]).toEqual([1, 1, true, false]);
    const idle = p.onIdle();
    expect(await state(idle)).toBe('pending');
    await turnsUntil(f.started);
    f.release();
    await Promise.all([running, queued, idle]);
    expect(drains).toBe(1);
    expect(p.stats()).toEqual({
      running: 0,
      queued: 0,
      completed: 2,
      failed: 0,
      rejected: 0,
      concurrency: 1,
      maxQueue: 1,
    });
    await p[Symbol.asyncDispose]();
    expect(p.closed).toBe(true);
    await expect(p.submit({ flags: f.buffer })).rejects.toBeInstanceOf(PoolClosedError);
  });
});
