import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createWorkerPool, DEFAULTS, type WorkerPoolOptions } from '../src/index.js';
import { createThreadPool, THREAD_DEFAULTS } from '../src/threads.js';

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url);

describe('createWorkerPool option validation', () => {
  const cases: Array<[WorkerPoolOptions, string]> = [
    [{ concurrency: 0 }, 'concurrency must be an integer >= 1, got 0'],
    [{ concurrency: 1.5 }, 'concurrency must be an integer >= 1, got 1.5'],
    [
      { concurrency: Number.POSITIVE_INFINITY },
      'concurrency must be an integer >= 1, got Infinity',
    ],
    [{ concurrency: '4' as never }, 'concurrency must be an integer >= 1, got "4"'],
    [{ maxQueue: -1 }, 'maxQueue must be an integer >= 0, got -1'],
    [{ maxQueue: Number.NaN }, 'maxQueue must be an integer >= 0, got NaN'],
    [
      { maxQueue: 10, drainThreshold: 11 },
      'drainThreshold must be an integer from 0 to maxQueue (10), got 11',
    ],
    [
      { drainThreshold: -1 },
      'drainThreshold must be an integer from 0 to maxQueue (10000), got -1',
    ],
    [
      { drainThreshold: 1.5 },
      'drainThreshold must be an integer from 0 to maxQueue (10000), got 1.5',
    ],
    [
      { drainThreshold: '3' as never },
      'drainThreshold must be an integer from 0 to maxQueue (10000), got "3"',
    ],
    [
      { closeTimeout: -5 },
      'closeTimeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got -5',
    ],
    [
      { closeTimeout: Number.NaN },
      'closeTimeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got NaN',
    ],
  ];
  for (const [options, message] of cases) {
    it(`throws "${message}"`, () => {
      expect(() => createWorkerPool(options)).toThrow(message);
    });
  }

  it('throws when options is not an object', () => {
    expect(() => createWorkerPool(5 as never)).toThrow(/^options must be an object, got 5$/);
    expect(() => createWorkerPool(null as never)).toThrow(/^options must be an object, got null$/);
  });

  it('accepts drainThreshold at both ends, 0 and maxQueue, and 0 with no queue', () => {
    for (const options of [
      { maxQueue: 10, drainThreshold: 0 },
      { maxQueue: 10, drainThreshold: 10 },
      { maxQueue: 0 },
    ]) {
      expect(() => createWorkerPool(options)).not.toThrow();
    }
  });

  it('uses DEFAULTS when no options are given', () => {
    const pool = createWorkerPool();
    expect(pool.stats()).toMatchObject({ concurrency: 100, maxQueue: 10_000 });
    expect(DEFAULTS).toEqual({
      concurrency: 100,
      maxQueue: 10_000,
      drainThreshold: 5_000,
      closeTimeout: 30_000,
    });
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });

  it('defaults drainThreshold to half of a given maxQueue', async () => {
    const pool = createWorkerPool({ concurrency: 1, maxQueue: 7 });
    let drainedAt = -1;
    pool.onDrain(() => {
      drainedAt = pool.queued;
    });
    let release!: () => void;
    const blocker = new Promise<void>((r) => {
      release = r;
    });
    const all = [pool.submit(() => blocker)];
    for (let i = 0; i < 7; i++) all.push(pool.submit(() => blocker));
    release();
    await Promise.all(all);
    expect(drainedAt).toBe(3);
  });

  it('accepts concurrency 1, maxQueue 0 and closeTimeout Infinity', () => {
    expect(() =>
      createWorkerPool({ concurrency: 1, maxQueue: 0, closeTimeout: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });
});

describe('createThreadPool option validation', () => {
  it('throws without a filename', () => {
    expect(() => createThreadPool({} as never)).toThrow(
      'filename must be a non-empty string or a file: URL of the worker module, got undefined',
    );
  });

  it('throws when options is missing', () => {
    expect(() => createThreadPool(undefined as never)).toThrow(
      'options must be an object with a filename, got undefined',
    );
    expect(() => createThreadPool(null as never)).toThrow(
      'options must be an object with a filename, got null',
    );
  });

  it('throws on an empty or non-string filename', () => {
    for (const [filename, got] of [
      ['', '""'],
      [5, '5'],
    ] as const) {
      expect(() => createThreadPool({ filename: filename as never })).toThrow(
        `filename must be a non-empty string or a file: URL of the worker module, got ${got}`,
      );
    }
  });

  it('throws on an empty or non-string export name', () => {
    expect(() => createThreadPool({ filename: fixture, name: '' })).toThrow(
      'name must be a non-empty string, got ""',
    );
    expect(() => createThreadPool({ filename: fixture, name: 5 as never })).toThrow(
      'name must be a non-empty string, got 5',
    );
  });

  it('throws on a drainThreshold above maxQueue, naming the bound', () => {
    expect(() => createThreadPool({ filename: fixture, maxQueue: 4, drainThreshold: 5 })).toThrow(
      'drainThreshold must be an integer from 0 to maxQueue (4), got 5',
    );
  });

  it('throws on threads < 1, naming the option', () => {
    expect(() => createThreadPool({ filename: fixture, threads: 0 })).toThrow(
      'threads must be an integer >= 1, got 0',
    );
  });

  it('throws on a negative maxQueue', () => {
    expect(() => createThreadPool({ filename: fixture, maxQueue: -1 })).toThrow(
      'maxQueue must be an integer >= 0, got -1',
    );
  });

  it('has frozen defaults, threads from os.availableParallelism()', () => {
    expect(THREAD_DEFAULTS).toEqual({
      name: 'default',
      threads: Math.max(1, availableParallelism()),
      maxQueue: 1_000,
      drainThreshold: 500,
      closeTimeout: 30_000,
    });
    expect(Object.isFrozen(THREAD_DEFAULTS)).toBe(true);
  });
});
