// Issue 11: plain-JavaScript misuse fails loudly. Unknown option names are refused (with a
// did-you-mean) wherever options are taken, and every option or argument error has a code.

import { builtErrorNameProblems, thrown } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWorkerPool, type WorkerPool } from '../src/index.js';
import { createThreadPool, type ThreadPoolOptions } from '../src/threads.js';

const INVALID_OPTION = 'RERPC_ERR_INVALID_OPTION';
const fixture = new URL('./fixtures/cpu.mjs', import.meta.url);

/** The reason `promise` rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<TypeError & { code?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as TypeError & { code?: unknown };
  }
  throw new Error('expected a rejection');
}

function workerPool(): WorkerPool {
  const pool = createWorkerPool({ concurrency: 1 });
  onTestFinished(() => pool.close({ timeout: 0 }));
  return pool;
}

describe('unknown option names are refused', () => {
  it('createWorkerPool, with a did-you-mean', () => {
    const error = thrown(() => createWorkerPool({ concurency: 4 } as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toMatch(
      /^createWorkerPool\(\) options has no option "concurency"; did you mean "concurrency"\?/,
    );
  });

  it('createThreadPool, with a did-you-mean, before any thread starts', () => {
    const error = thrown(() =>
      createThreadPool({ filename: fixture, thread: 1 } as unknown as ThreadPoolOptions),
    );
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toMatch(
      /^createThreadPool\(\) options has no option "thread"; did you mean "threads"\?/,
    );
  });

  it('submit() and run() reject (never throw) an unknown per-task option; the task never runs', async () => {
    const pool = workerPool();
    let ran = 0;
    const task = () => ++ran;
    const submit = await rejection(pool.submit(task, { timeout: 5 } as never));
    expect(submit.code).toBe(INVALID_OPTION);
    expect(submit.message).toMatch(/^submit\(\) options has no option "timeout"/);
    const run = await rejection(pool.run(task, 1, { sigal: null } as never));
    expect(run.message).toMatch(/^run\(\) options has no option "sigal"; did you mean "signal"\?/);
    expect(ran).toBe(0);
    await expect(pool.submit(task, { signal: new AbortController().signal })).resolves.toBe(1);
  });

  it('a per-task signal that is not an AbortSignal is refused', async () => {
    const pool = workerPool();
    const error = await rejection(pool.submit(() => 1, { signal: 'stop' } as never));
    expect(error).toMatchObject({
      code: INVALID_OPTION,
      message: 'signal must be an AbortSignal, got "stop"',
    });
    expect((await rejection(pool.submit(() => 1, 5 as never))).code).toBe(INVALID_OPTION);
  });

  it('close() rejects an unknown option and does not close', async () => {
    const pool = workerPool();
    const error = await rejection(pool.close({ timeOut: 0 } as never));
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toMatch(
      /^close\(\) options has no option "timeOut"; did you mean "timeout"\?/,
    );
    expect(pool.closed).toBe(false);
  });

  it('a thread pool submit() rejects an unknown option and a bad transferList', async () => {
    const pool = createThreadPool({ filename: fixture, threads: 1 });
    onTestFinished(() => pool.close({ timeout: 0 }));
    const unknown = await rejection(pool.submit({}, { transfer: [] } as never));
    expect(unknown.code).toBe(INVALID_OPTION);
    expect(unknown.message).toMatch(
      /^submit\(\) options has no option "transfer"; did you mean "transferList"\?/,
    );
    const list = await rejection(pool.submit({}, { transferList: 'x' } as never));
    expect(list).toMatchObject({
      code: INVALID_OPTION,
      message: 'transferList must be an array, got "x"',
    });
  });
});

describe('option and argument errors carry RERPC_ERR_INVALID_OPTION', () => {
  const throws: Array<[string, () => unknown]> = [
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
  ];
  for (const [what, fn] of throws) {
    it(`${what}: throws a TypeError with code ${INVALID_OPTION}`, () => {
      const error = thrown(fn);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe(INVALID_OPTION);
    });
  }

  const rejects: Array<[string, () => Promise<unknown>]> = [
    ['submit(non-function)', () => workerPool().submit(5 as never)],
    ['run(non-function)', () => workerPool().run(5 as never, 1)],
    ['close({ timeout: -1 })', () => workerPool().close({ timeout: -1 })],
  ];
  for (const [what, fn] of rejects) {
    it(`${what}: rejects with a TypeError with code ${INVALID_OPTION}`, async () => {
      const error = await rejection(fn());
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe(INVALID_OPTION);
    });
  }
});

describe('the built package keeps class names (ESM and CJS)', () => {
  it('every exported error class is named as exported', async () => {
    expect(await builtErrorNameProblems(new URL('../dist/', import.meta.url))).toEqual([]);
  });
});
