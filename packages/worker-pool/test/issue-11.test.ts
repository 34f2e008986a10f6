// Issue 11: plain-JavaScript misuse fails loudly. Unknown option names are refused (with a
// did-you-mean) wherever options are taken, and every option or argument error has a code.

import { builtErrorNameProblems, optionErrorLike } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWorkerPool, type WorkerPool } from '../src/index.js';
import { createThreadPool, type ThreadPoolOptions } from '../src/threads.js';

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url);

function workerPool(): WorkerPool {
  const pool = createWorkerPool({ concurrency: 1 });
  onTestFinished(() => pool.close({ timeout: 0 }));
  return pool;
}

describe('unknown option names are refused', () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      'createWorkerPool',
      () => createWorkerPool({ concurency: 4 } as never),
      /^createWorkerPool\(\) options has no option "concurency"; did you mean "concurrency"\?/,
    ],
    [
      'createThreadPool, before any thread starts',
      () => createThreadPool({ filename: fixture, thread: 1 } as unknown as ThreadPoolOptions),
      /^createThreadPool\(\) options has no option "thread"; did you mean "threads"\?/,
    ],
  ])('%s, with a did-you-mean', (_, create, message) => {
    expect(create).toThrow(optionErrorLike(message));
  });

  it('submit() and run() reject (never throw) an unknown per-task option; the task never runs', async () => {
    const pool = workerPool();
    let ran = 0;
    const task = () => ++ran;
    await expect(pool.submit(task, { timeout: 5 } as never)).rejects.toThrow(
      optionErrorLike(/^submit\(\) options has no option "timeout"/),
    );
    await expect(pool.run(task, 1, { sigal: null } as never)).rejects.toThrow(
      optionErrorLike(/^run\(\) options has no option "sigal"; did you mean "signal"\?/),
    );
    expect(ran).toBe(0);
    await expect(pool.submit(task, { signal: new AbortController().signal })).resolves.toBe(1);
  });

  it('a per-task signal that is not an AbortSignal is refused', async () => {
    const pool = workerPool();
    await expect(pool.submit(() => 1, { signal: 'stop' } as never)).rejects.toThrow(
      optionErrorLike('signal must be an AbortSignal, got "stop"'),
    );
    await expect(pool.submit(() => 1, 5 as never)).rejects.toThrow(optionErrorLike());
  });

  it('close() rejects an unknown option and does not close', async () => {
    const pool = workerPool();
    await expect(pool.close({ timeOut: 0 } as never)).rejects.toThrow(
      optionErrorLike(/^close\(\) options has no option "timeOut"; did you mean "timeout"\?/),
    );
    expect(pool.closed).toBe(false);
  });

  it('a thread pool submit() rejects an unknown option and a bad transferList', async () => {
    const pool = createThreadPool({ filename: fixture, threads: 1 });
    onTestFinished(() => pool.close({ timeout: 0 }));
    await expect(pool.submit({}, { transfer: [] } as never)).rejects.toThrow(
      optionErrorLike(
        /^submit\(\) options has no option "transfer"; did you mean "transferList"\?/,
      ),
    );
    await expect(pool.submit({}, { transferList: 'x' } as never)).rejects.toThrow(
      optionErrorLike('transferList must be an array, got "x"'),
    );
  });
});

describe('option and argument errors carry RERPC_ERR_INVALID_OPTION', () => {
  it.each<[string, () => unknown]>([
    ['createWorkerPool(5)', () => createWorkerPool(5 as never)],
    ['concurrency', () => createWorkerPool({ concurrency: 0 })],
    ['maxQueue', () => createWorkerPool({ maxQueue: -1 })],
    ['drainThreshold', () => createWorkerPool({ maxQueue: 2, drainThreshold: 3 })],
    ['closeTimeout', () => createWorkerPool({ closeTimeout: -1 })],
    ['createThreadPool()', () => createThreadPool(undefined as never)],
    ['filename', () => createThreadPool({ filename: '' })],
    ['name', () => createThreadPool({ filename: fixture, name: '' })],
    ['threads', () => createThreadPool({ filename: fixture, threads: 0 })],
    ['tryRun(fn)', () => workerPool().tryRun(5 as never, 1, () => {})],
    ['tryRun(done)', () => workerPool().tryRun(() => 1, 1, 5 as never)],
    ['onDrain(listener)', () => workerPool().onDrain(5 as never)],
  ])('%s: throws a coded TypeError', (_, fn) => {
    expect(fn).toThrow(optionErrorLike());
  });

  it.each<[string, () => Promise<unknown>]>([
    ['submit(non-function)', () => workerPool().submit(5 as never)],
    ['run(non-function)', () => workerPool().run(5 as never, 1)],
    ['close({ timeout: -1 })', () => workerPool().close({ timeout: -1 })],
  ])('%s: rejects with a coded TypeError', async (_, fn) => {
    await expect(fn()).rejects.toThrow(optionErrorLike());
  });
});

describe('the built package keeps class names (ESM and CJS)', () => {
  it('every exported error class is named as exported', async () => {
    expect(await builtErrorNameProblems(new URL('../dist/', import.meta.url))).toEqual([]);
  });
});
