// The worker pool's public types: what `createWorkerPool` returns and takes per call.

/** A task for `submit`: gets an `AbortSignal` to stop cooperatively; returns a value or a promise. */
export type Task<T> = (signal: AbortSignal) => T | PromiseLike<T>;

/** A task for `run`/`tryRun`: called as `fn(arg, signal)`, so no closure is needed per call. */
export type TaskFn<A, T> = (arg: A, signal: AbortSignal) => T | PromiseLike<T>;

/**
 * Receives a `tryRun` task's outcome: `(null, result, arg)` or `(error, undefined, arg)`.
 * A task that throws `null` or `undefined` is reported as an `Error` whose `cause` is that value.
 */
export type TaskCallback<A, T> = (error: unknown, result: T | undefined, arg: A) => void;

/** Per-call options of `submit` and `run`. */
export interface SubmitOptions {
  /** Aborts the task: a queued one is removed and never runs; a running one is told and let go. */
  signal?: AbortSignal | null | undefined;
}

/** Options of `close()`. */
export interface CloseOptions {
  /** Milliseconds to wait for accepted tasks before aborting the rest; default: `closeTimeout`. */
  timeout?: number;
}

/** Counters since the pool was created (a snapshot; each call returns a new object). */
export interface WorkerPoolStats {
  /** Tasks started whose own result has not settled yet (slots in use). */
  running: number;
  /** Tasks waiting for a slot. */
  queued: number;
  /** Tasks whose result was delivered as a success. */
  completed: number;
  /** Tasks that started and failed: threw, rejected, were aborted, or were abandoned by close. */
  failed: number;
  /** Tasks refused or dropped before they started: queue full, closed, aborted while queued. */
  rejected: number;
  /** The configured `concurrency` (`threads` for a thread pool). */
  concurrency: number;
  /** The configured `maxQueue`. */
  maxQueue: number;
}

/** What both pools share: counters, backpressure signals and close. */
export interface PoolControl extends AsyncDisposable {
  /** Tasks running now (slots or threads in use). */
  readonly running: number;
  /** Tasks waiting now. */
  readonly queued: number;
  /** `true` while the next task would be refused with `QueueFullError`: pause the producer. */
  readonly isSaturated: boolean;
  /** `true` once `close()` was called. */
  readonly closed: boolean;
  /**
   * Calls `listener` each time the pool, having been saturated (or having refused a task), gets
   * its queue down to `drainThreshold`. Returns a function that removes the listener.
   */
  onDrain(listener: () => void): () => void;
  /** Resolves when nothing is running or queued (at once if so now). */
  onIdle(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): WorkerPoolStats;
  /**
   * Stops taking tasks (later ones reject with `PoolClosedError`), lets running and queued tasks
   * finish, and resolves; past `timeout` ms, rejects what is left with `PoolClosedError` and aborts
   * the running tasks' signals, then resolves. Calling it again returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** A bounded-concurrency executor with a bounded FIFO queue. */
export interface WorkerPool extends PoolControl {
  /**
   * Runs `task(signal)` when a slot is free (at once, synchronously, if one is free now).
   * Rejects with `QueueFullError` when the queue is full, `PoolClosedError` after `close()`,
   * `AbortError` (cause: `signal.reason`) when `options.signal` aborts first. Never throws.
   */
  submit<T>(task: Task<T>, options?: SubmitOptions): Promise<T>;
  /** As `submit`, calling `fn(arg, signal)`: pass a shared function and a per-call argument. */
  run<A, T>(fn: TaskFn<A, T>, arg: A, options?: SubmitOptions): Promise<T>;
  /**
   * The allocation-free form: starts or queues `fn(arg, signal)` and returns `true`, or returns
   * `false` at once (queue full, or closed: see `closed`) and never calls `done`. `done` is called
   * exactly once per accepted task, synchronously inside `tryRun` when the task returns a plain
   * value or throws.
   */
  tryRun<A, T>(fn: TaskFn<A, T>, arg: A, done: TaskCallback<A, T>): boolean;
}
