import type { Transferable } from 'node:worker_threads';
import { describe, optionError, rejectUnknownOptions, signalOption } from '@rerpc/internal';
import { Piscina } from 'piscina';
import { resolveLimits } from './options.js';
import { Pool } from './pool.js';
import { THREAD_DEFAULTS, THREAD_POOL_OPTIONS, type ThreadPoolOptions } from './thread-options.js';
import type { CloseOptions, PoolControl, WorkerPoolStats } from './types.js';

/** Per-call options of a thread pool's `submit`. */
export interface ThreadSubmitOptions {
  /** Aborts the task: a queued one never runs; a running one has its thread terminated. */
  signal?: AbortSignal | null | undefined;
  /** Objects (ArrayBuffers, MessagePorts) moved to the worker instead of copied. */
  transferList?: readonly Transferable[] | undefined;
}

/**
 * A pool of worker threads with the worker pool's bounds, queue, errors and close. Its `close()`
 * also terminates the threads; past `timeout`, running tasks reject with `PoolClosedError` and
 * their threads are terminated. `stats().concurrency` is the thread count.
 */
export interface ThreadPool<T = unknown, R = unknown> extends PoolControl {
  /**
   * Sends `task` (structured-cloned) to a free thread, which calls the worker module's export with
   * it; resolves with its result. Rejects with `QueueFullError`, `PoolClosedError`, `AbortError`
   * like the worker pool, or with the error the worker threw. Never throws.
   */
  submit(task: T, options?: ThreadSubmitOptions): Promise<R>;
}

interface ThreadCall {
  task: unknown;
  options: { signal: AbortSignal | null; transferList: Transferable[] | undefined };
}

class Threads<T, R> implements ThreadPool<T, R> {
  private readonly pool: Pool;
  private readonly piscina: Piscina;
  private closing: Promise<void> | null = null;
  // Bound once: the core calls `fn(arg)`; declaring one parameter keeps it from making a signal
  // per task (piscina gets the caller's signal itself and terminates the thread on abort).
  private readonly runPlain = (task: unknown): Promise<unknown> => this.piscina.run(task);
  private readonly runWithOptions = (call: ThreadCall): Promise<unknown> =>
    this.piscina.run(call.task, call.options);

  constructor(pool: Pool, piscina: Piscina) {
    this.pool = pool;
    this.piscina = piscina;
  }

  get running(): number {
    return this.pool.running;
  }
  get queued(): number {
    return this.pool.queued;
  }
  get isSaturated(): boolean {
    return this.pool.isSaturated;
  }
  get closed(): boolean {
    return this.pool.closed;
  }

  submit(task: T, options?: ThreadSubmitOptions): Promise<R> {
    if (options === undefined) return this.pool.run(this.runPlain, task) as Promise<R>;
    let signal: AbortSignal | null;
    try {
      signal = signalOption(options, THREAD_SUBMIT_OPTIONS, 'submit() options');
    } catch (error) {
      return Promise.reject(error);
    }
    const transferList = options.transferList ?? undefined;
    if (transferList !== undefined && !Array.isArray(transferList)) {
      return Promise.reject(
        optionError(`transferList must be an array, got ${describe(transferList)}`),
      );
    }
    // Stryker disable next-line ConditionalExpression,BlockStatement: a fast path; piscina treats { signal: null, transferList: undefined } as no options
    if (signal === null && transferList === undefined) {
      return this.pool.run(this.runPlain, task) as Promise<R>;
    }
    const call: ThreadCall = {
      task,
      options: { signal, transferList: transferList === undefined ? undefined : [...transferList] },
    };
    return this.pool.run(this.runWithOptions, call, { signal }) as Promise<R>;
  }

  onDrain(listener: () => void): () => void {
    return this.pool.onDrain(listener);
  }
  onIdle(): Promise<void> {
    return this.pool.onIdle();
  }
  stats(): WorkerPoolStats {
    return this.pool.stats();
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.closing !== null) return this.closing;
    const drained = this.pool.close(options);
    // Whether everything finished or the timeout abandoned the rest, the threads go: destroy()
    // terminates busy ones, which is what aborts a CPU-bound task that never yields.
    this.closing = drained.then(() => this.piscina.destroy());
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The names a thread pool's `submit()` accepts as per-task options. */
const THREAD_SUBMIT_OPTIONS: readonly string[] = ['signal', 'transferList'];

/**
 * Creates a pool of `threads` worker threads (on piscina) running the export `name` of
 * `filename` for CPU-bound tasks, with the same bounds, queue, errors and close as
 * `createWorkerPool`. Throws a `TypeError` with code `RERPC_ERR_INVALID_OPTION` on an invalid or
 * unknown option.
 * @example
 * const pool = createThreadPool({ filename: new URL('./hash.mjs', import.meta.url) });
 * const digest = await pool.submit(buffer);
 */
export function createThreadPool<T = unknown, R = unknown>(
  options: ThreadPoolOptions,
): ThreadPool<T, R> {
  if (typeof options !== 'object' || options === null) {
    throw optionError(`options must be an object with a filename, got ${describe(options)}`);
  }
  rejectUnknownOptions(options, THREAD_POOL_OPTIONS, 'createThreadPool() options');
  const { filename } = options;
  if (!(typeof filename === 'string' && filename.length > 0) && !(filename instanceof URL)) {
    throw optionError(
      `filename must be a non-empty string or a file: URL of the worker module, got ${describe(filename)}`,
    );
  }
  const name = options.name ?? THREAD_DEFAULTS.name;
  if (typeof name !== 'string' || name.length === 0) {
    throw optionError(`name must be a non-empty string, got ${describe(name)}`);
  }
  const limits = resolveLimits(
    'threads',
    options.threads ?? THREAD_DEFAULTS.threads,
    options.maxQueue ?? THREAD_DEFAULTS.maxQueue,
    options.drainThreshold,
    options.closeTimeout ?? THREAD_DEFAULTS.closeTimeout,
  );
  const piscina = new Piscina({
    filename: filename instanceof URL ? filename.href : filename,
    name,
    minThreads: limits.concurrency,
    maxThreads: limits.concurrency,
    // Our own queue in front admits at most `threads` tasks, so piscina's never holds more.
    maxQueue: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    // Stryker disable next-line BooleanLiteral: piscina's timing histograms are never read here; recording them costs only time
    recordTiming: false,
    workerData: options.workerData,
  });
  // Stryker disable next-line BooleanLiteral: runPlain and runWithOptions declare one parameter, so the core never makes them a signal either way
  return new Threads<T, R>(new Pool(limits, false), piscina);
}
