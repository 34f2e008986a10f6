import { setMaxListeners } from 'node:events';
import { describe, optionError } from '@rerpc/internal';
import { AbortError, PoolClosedError, QueueFullError } from './errors.js';
import {
  closeTimeout,
  type ResolvedLimits,
  resolveWorkerPoolOptions,
  taskSignal,
  type WorkerPoolOptions,
} from './options.js';

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

/** The names `submit()` and `run()` accept as per-task options. */
const SUBMIT_OPTIONS: readonly string[] = ['signal'];

// Job states.
const QUEUED = 0;
const RUNNING = 1;
/** Its caller got an answer (aborted, or abandoned by close) but the task itself still runs. */
const ABANDONED = 2;
const DONE = 3;

// How a job calls its function.
const CALL_TASK = 0; // fn(signal)
const CALL_FN = 1; // fn(arg, signal)

type AnyFn = (a: unknown, b?: unknown) => unknown;
type Settle = (value: unknown) => void;

/**
 * One task that did not finish synchronously. It is a node of exactly one intrusive doubly linked
 * list at a time (the queue, or the running list), so removal on abort is O(1) and nothing else
 * is allocated per task; with a caller signal it is also a node of that signal's watch list.
 */
class Job {
  kind: number;
  fn: AnyFn;
  arg: unknown;
  signal: AbortSignal | null;
  controller: AbortController | null;
  done: TaskCallback<unknown, unknown> | null;
  resolve: Settle | null;
  reject: Settle | null;
  state: number;
  prev: Job | null;
  next: Job | null;
  watch: SignalWatch | null;
  watchPrev: Job | null;
  watchNext: Job | null;

  constructor(
    kind: number,
    fn: AnyFn,
    arg: unknown,
    signal: AbortSignal | null,
    done: TaskCallback<unknown, unknown> | null,
  ) {
    this.kind = kind;
    this.fn = fn;
    this.arg = arg;
    this.signal = signal;
    this.controller = null;
    this.done = done;
    this.resolve = null;
    this.reject = null;
    this.state = QUEUED;
    this.prev = null;
    this.next = null;
    this.watch = null;
    this.watchPrev = null;
    this.watchNext = null;
  }
}

/**
 * The one abort listener a pool keeps on a caller's signal, however many pending tasks share it.
 * Node's EventTarget finds a listener to remove by walking its list, so one listener per task
 * made a shared signal quadratic (3.4 µs per task at 1,000 pending, and a MaxListeners warning).
 * Tasks link into `head`; the listener goes when the last one leaves. Being an object with
 * `handleEvent`, it needs no closure.
 */
class SignalWatch {
  readonly pool: Pool;
  readonly signal: AbortSignal;
  head: Job | null = null;

  constructor(pool: Pool, signal: AbortSignal) {
    this.pool = pool;
    this.signal = signal;
  }

  handleEvent(): void {
    this.pool.abortWatched(this);
  }
}

// `new Promise(executor)` with one shared executor: no closure per promise.
let pendingResolve: Settle | null = null;
let pendingReject: Settle | null = null;
function captureSettlers(resolve: Settle, reject: Settle): void {
  pendingResolve = resolve;
  pendingReject = reject;
}
function promiseFor<T>(job: Job): Promise<T> {
  const promise = new Promise<T>(captureSettlers as (r: (v: T) => void, j: Settle) => void);
  job.resolve = pendingResolve;
  job.reject = pendingReject;
  return promise;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function asError(value: unknown): unknown {
  return value === null || value === undefined
    ? new Error(`The task threw ${String(value)}`, { cause: value })
    : value;
}

/** A listener or callback threw: surface it like an EventEmitter would, without breaking us. */
function reportLater(error: unknown): void {
  process.nextTick(rethrow, error);
}
function rethrow(error: unknown): never {
  throw error;
}

/**
 * The executor. A release delivers the result first and then pumps the queue, so a callback may
 * run while a slot is free and tasks wait: that is why the fast path checks that the queue is
 * empty too, which keeps FIFO order.
 */
export class Pool implements WorkerPool {
  readonly limits: ResolvedLimits;
  private readonly concurrency: number;
  private readonly maxQueue: number;
  private runningCount = 0;
  private queuedCount = 0;
  private completedCount = 0;
  private failedCount = 0;
  private rejectedCount = 0;
  private head: Job | null = null;
  private tail: Job | null = null;
  /** Jobs started and not settled (RUNNING or ABANDONED); newest first. */
  private runningJobs: Job | null = null;
  /** Aborted (with PoolClosedError) once close() gives up waiting; shared by tasks that ignore their own. */
  private readonly closeController = new AbortController();
  private readonly sharedSignal: AbortSignal;
  /** Whether a task that declares its signal parameter gets its own (see wantsOwnSignal). */
  private readonly perTaskSignals: boolean;
  private needsDrain = false;
  private drainListeners: Array<() => void> = [];
  private readonly watches = new WeakMap<AbortSignal, SignalWatch>();
  private idleWaiters: Array<() => void> | null = null;
  private isClosed = false;
  private closing: Promise<void> | null = null;
  private closeResolve: (() => void) | null = null;
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(limits: ResolvedLimits, perTaskSignals: boolean) {
    this.limits = limits;
    this.concurrency = limits.concurrency;
    this.maxQueue = limits.maxQueue;
    this.perTaskSignals = perTaskSignals;
    this.sharedSignal = this.closeController.signal;
    // Many running tasks may listen to the shared signal at once; that is not a leak.
    setMaxListeners(0, this.sharedSignal);
  }

  get running(): number {
    return this.runningCount;
  }

  get queued(): number {
    return this.queuedCount;
  }

  get isSaturated(): boolean {
    return this.runningCount >= this.concurrency && this.queuedCount >= this.maxQueue;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  submit<T>(task: Task<T>, options?: SubmitOptions): Promise<T> {
    let signal: AbortSignal | null = null;
    if (options !== undefined) {
      try {
        signal = taskSignal(options, SUBMIT_OPTIONS, 'submit()');
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.enter(CALL_TASK, task as AnyFn, undefined, signal);
  }

  run<A, T>(fn: TaskFn<A, T>, arg: A, options?: SubmitOptions): Promise<T> {
    let signal: AbortSignal | null = null;
    if (options !== undefined) {
      try {
        signal = taskSignal(options, SUBMIT_OPTIONS, 'run()');
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.enter(CALL_FN, fn as AnyFn, arg, signal);
  }

  tryRun<A, T>(fn: TaskFn<A, T>, arg: A, done: TaskCallback<A, T>): boolean {
    if (this.isClosed) {
      this.rejectedCount++;
      return false;
    }
    if (typeof fn !== 'function') throw optionError(`fn must be a function, got ${describe(fn)}`);
    if (typeof done !== 'function') {
      throw optionError(`done must be a function, got ${describe(done)}`);
    }
    const cb = done as TaskCallback<unknown, unknown>;
    if (this.runningCount < this.concurrency && this.queuedCount === 0) {
      this.runningCount++;
      const ownSignal = this.perTaskSignals && fn.length >= 2;
      const controller = ownSignal ? new AbortController() : null;
      let value: unknown;
      try {
        value = fn(arg, controller === null ? this.sharedSignal : controller.signal);
      } catch (error) {
        this.releaseSync(false);
        this.callBack(cb, asError(error), undefined, arg);
        if (this.head !== null) this.pump();
        this.afterRelease();
        return true;
      }
      if (!isThenable(value)) {
        this.releaseSync(true);
        this.callBack(cb, null, value, arg);
        if (this.head !== null) this.pump();
        this.afterRelease();
        return true;
      }
      const job = new Job(CALL_FN, fn as AnyFn, arg, null, cb);
      job.controller = controller;
      this.track(job, value, false);
      return true;
    }
    if (this.queuedCount >= this.maxQueue) {
      this.rejectedCount++;
      this.needsDrain = true;
      return false;
    }
    this.enqueue(new Job(CALL_FN, fn as AnyFn, arg, null, cb));
    return true;
  }

  onDrain(listener: () => void): () => void {
    if (typeof listener !== 'function') {
      throw optionError(`onDrain listener must be a function, got ${describe(listener)}`);
    }
    // Copy on write, so a listener that unsubscribes while we iterate does not skip another.
    this.drainListeners = [...this.drainListeners, listener];
    return () => {
      this.drainListeners = this.drainListeners.filter((l) => l !== listener);
    };
  }

  onIdle(): Promise<void> {
    if (this.runningCount === 0 && this.queuedCount === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      if (this.idleWaiters === null) this.idleWaiters = [];
      this.idleWaiters.push(resolve);
    });
  }

  stats(): WorkerPoolStats {
    return {
      running: this.runningCount,
      queued: this.queuedCount,
      completed: this.completedCount,
      failed: this.failedCount,
      rejected: this.rejectedCount,
      concurrency: this.concurrency,
      maxQueue: this.maxQueue,
    };
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.closing !== null) return this.closing;
    let timeout: number;
    try {
      timeout = closeTimeout(options, this.limits.closeTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
    this.isClosed = true;
    this.closing = new Promise<void>((resolve) => {
      this.closeResolve = resolve;
    });
    if (this.runningCount === 0 && this.queuedCount === 0) {
      this.finishClose();
    } else if (timeout === 0) {
      this.abortAll();
    } else if (timeout !== Number.POSITIVE_INFINITY) {
      this.closeTimer = setTimeout(() => this.abortAll(), timeout);
      this.closeTimer.unref();
    }
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The promise-returning entry (`submit`, `run`). */
  private enter<T>(kind: number, fn: AnyFn, arg: unknown, signal: AbortSignal | null): Promise<T> {
    if (this.isClosed) {
      this.rejectedCount++;
      return Promise.reject(new PoolClosedError());
    }
    if (typeof fn !== 'function') {
      this.rejectedCount++;
      return Promise.reject(optionError(`task must be a function, got ${describe(fn)}`));
    }
    if (signal?.aborted) {
      this.rejectedCount++;
      return Promise.reject(new AbortError(signal.reason));
    }
    if (this.runningCount < this.concurrency && this.queuedCount === 0) {
      // Fast path: run now; a plain value costs one resolved promise and nothing else.
      this.runningCount++;
      const controller = this.wantsOwnSignal(kind, fn) ? new AbortController() : null;
      const taskSignal =
        controller !== null ? controller.signal : signal !== null ? signal : this.sharedSignal;
      let value: unknown;
      try {
        value = kind === CALL_TASK ? fn(taskSignal) : fn(arg, taskSignal);
      } catch (error) {
        this.releaseSync(false);
        // The task may have queued more work while it held the slot.
        if (this.head !== null) this.pump();
        this.afterRelease();
        return Promise.reject(error);
      }
      if (!isThenable(value)) {
        this.releaseSync(true);
        if (this.head !== null) this.pump();
        this.afterRelease();
        return Promise.resolve(value as T);
      }
      const job = new Job(kind, fn, arg, signal, null);
      job.controller = controller;
      const promise = promiseFor<T>(job);
      this.track(job, value, false);
      return promise;
    }
    if (this.queuedCount >= this.maxQueue) {
      this.rejectedCount++;
      this.needsDrain = true;
      return Promise.reject(new QueueFullError(this.maxQueue));
    }
    const job = new Job(kind, fn, arg, signal, null);
    const promise = promiseFor<T>(job);
    this.enqueue(job);
    if (signal !== null) this.watch(job, signal);
    return promise;
  }

  /**
   * Creating an AbortSignal costs ~4 µs on Node 20 (an AbortController alone ~15 ns), 10-40× a
   * tiny task. So a task gets its own signal only if it declares the parameter; one that does not
   * gets the caller's signal or the pool's shared one, which cost nothing.
   */
  private wantsOwnSignal(kind: number, fn: AnyFn): boolean {
    return this.perTaskSignals && fn.length >= (kind === CALL_TASK ? 1 : 2);
  }

  private watch(job: Job, signal: AbortSignal): void {
    let watch = this.watches.get(signal);
    if (watch === undefined) {
      watch = new SignalWatch(this, signal);
      this.watches.set(signal, watch);
    }
    if (watch.head === null) signal.addEventListener('abort', watch);
    else watch.head.watchPrev = job;
    job.watchNext = watch.head;
    job.watchPrev = null;
    watch.head = job;
    job.watch = watch;
  }

  private unwatch(job: Job): void {
    const watch = job.watch!;
    if (job.watchPrev === null) watch.head = job.watchNext;
    else job.watchPrev.watchNext = job.watchNext;
    if (job.watchNext !== null) job.watchNext.watchPrev = job.watchPrev;
    job.watch = null;
    job.watchPrev = null;
    job.watchNext = null;
    if (watch.head === null) watch.signal.removeEventListener('abort', watch);
  }

  private enqueue(job: Job): void {
    job.state = QUEUED;
    job.prev = this.tail;
    job.next = null;
    if (this.tail === null) this.head = job;
    else this.tail.next = job;
    this.tail = job;
    this.queuedCount++;
    if (this.queuedCount >= this.maxQueue) this.needsDrain = true;
  }

  private unlinkQueued(job: Job): void {
    if (job.prev === null) this.head = job.next;
    else job.prev.next = job.next;
    if (job.next === null) this.tail = job.prev;
    else job.next.prev = job.prev;
    job.prev = null;
    job.next = null;
    this.queuedCount--;
  }

  private unlinkRunning(job: Job): void {
    if (job.prev === null) this.runningJobs = job.next;
    else job.prev.next = job.next;
    if (job.next !== null) job.next.prev = job.prev;
    job.prev = null;
    job.next = null;
  }

  /** Starts queued jobs while slots are free. */
  private pump(): void {
    while (this.runningCount < this.concurrency && this.head !== null) {
      const job = this.head;
      this.unlinkQueued(job);
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.runningCount++;
    job.state = RUNNING;
    let taskSignal: AbortSignal;
    if (this.wantsOwnSignal(job.kind, job.fn)) {
      job.controller = new AbortController();
      taskSignal = job.controller.signal;
    } else {
      taskSignal = job.signal !== null ? job.signal : this.sharedSignal;
    }
    let value: unknown;
    try {
      value = job.kind === CALL_TASK ? job.fn(taskSignal) : job.fn(job.arg, taskSignal);
    } catch (error) {
      this.finishSync(job, false, error);
      return;
    }
    if (!isThenable(value)) {
      this.finishSync(job, true, value);
      return;
    }
    // Its abort listener, added when it was queued, stays on for the running phase.
    this.track(job, value, true);
  }

  /** A queued job's task finished synchronously (its signal may have aborted meanwhile). */
  private finishSync(job: Job, ok: boolean, value: unknown): void {
    this.runningCount--;
    const abandoned = job.state === ABANDONED;
    job.state = DONE;
    if (job.watch !== null) this.unwatch(job);
    if (abandoned) return;
    if (ok) this.completedCount++;
    else this.failedCount++;
    this.deliver(job, ok, value);
  }

  /** A started task returned a thenable: hold its slot until that settles. */
  private track(job: Job, thenable: PromiseLike<unknown>, listening: boolean): void {
    const abandoned = job.state === ABANDONED;
    job.state = abandoned ? ABANDONED : RUNNING;
    job.prev = null;
    job.next = this.runningJobs;
    if (this.runningJobs !== null) this.runningJobs.prev = job;
    this.runningJobs = job;
    if (this.runningCount >= this.concurrency && this.queuedCount >= this.maxQueue) {
      this.needsDrain = true;
    }
    const signal = job.signal;
    if (signal !== null && !listening && !abandoned) {
      if (signal.aborted) {
        this.abortJob(job);
      } else {
        this.watch(job, signal);
      }
    }
    try {
      thenable.then(
        (value) => this.settle(job, true, value),
        (error: unknown) => this.settle(job, false, error),
      );
    } catch (error) {
      this.settle(job, false, error);
    }
  }

  /** A tracked task's thenable settled. */
  private settle(job: Job, ok: boolean, value: unknown): void {
    if (job.state === DONE) return; // a hostile thenable settling twice
    const abandoned = job.state === ABANDONED;
    job.state = DONE;
    this.unlinkRunning(job);
    this.runningCount--;
    if (job.watch !== null) this.unwatch(job);
    if (!abandoned) {
      if (ok) this.completedCount++;
      else this.failedCount++;
    }
    if (!abandoned) this.deliver(job, ok, value);
    if (this.head !== null) this.pump();
    this.afterRelease();
  }

  /** A fast-path task finished synchronously. */
  private releaseSync(ok: boolean): void {
    this.runningCount--;
    if (ok) this.completedCount++;
    else this.failedCount++;
  }

  private deliver(job: Job, ok: boolean, value: unknown): void {
    const done = job.done;
    if (done !== null) {
      if (ok) this.callBack(done, null, value, job.arg);
      else this.callBack(done, asError(value), undefined, job.arg);
    } else if (ok) {
      job.resolve!(value);
    } else {
      job.reject!(value);
    }
  }

  private callBack(
    done: TaskCallback<unknown, unknown>,
    error: unknown,
    value: unknown,
    arg: unknown,
  ): void {
    try {
      done(error, value, arg);
    } catch (thrown) {
      reportLater(thrown);
    }
  }

  /** After a slot or a queue place was freed: drain, idle and close watchers. */
  private afterRelease(): void {
    if (
      this.needsDrain &&
      this.queuedCount <= this.limits.drainThreshold &&
      !(this.runningCount >= this.concurrency && this.queuedCount >= this.maxQueue)
    ) {
      this.needsDrain = false;
      for (const listener of this.drainListeners) {
        try {
          listener();
        } catch (error) {
          reportLater(error);
        }
      }
    }
    if (this.runningCount === 0 && this.queuedCount === 0) {
      if (this.idleWaiters !== null) {
        const waiters = this.idleWaiters;
        this.idleWaiters = null;
        for (const resolve of waiters) resolve();
      }
      if (this.closeResolve !== null) this.finishClose();
    }
  }

  /** A signal that pending tasks share aborted. */
  abortWatched(watch: SignalWatch): void {
    const jobs: Job[] = [];
    for (let job = watch.head; job !== null; job = job.watchNext) jobs.push(job);
    for (const job of jobs) {
      if (job.watch === watch) this.abortJob(job);
    }
  }

  /** The caller's signal aborted this job. */
  private abortJob(job: Job): void {
    const signal = job.signal!;
    if (job.watch !== null) this.unwatch(job);
    if (job.state === QUEUED) {
      this.unlinkQueued(job);
      job.state = DONE;
      this.rejectedCount++;
      this.deliver(job, false, new AbortError(signal.reason));
      this.afterRelease();
    } else if (job.state === RUNNING) {
      // The slot stays taken until the task itself settles: the bound is real, not nominal.
      job.state = ABANDONED;
      this.failedCount++;
      if (job.controller !== null) job.controller.abort(signal.reason);
      this.deliver(job, false, new AbortError(signal.reason));
    }
  }

  /** close() stopped waiting: reject what is queued, abandon and abort what runs. */
  private abortAll(): void {
    this.closeTimer = null;
    const reason = new PoolClosedError(
      'The pool closed before this task finished (close timeout passed); it was aborted',
    );
    const running: Job[] = [];
    for (let job = this.runningJobs; job !== null; job = job.next) {
      if (job.state === RUNNING) running.push(job);
    }
    while (this.head !== null) {
      const job = this.head;
      this.unlinkQueued(job);
      job.state = DONE;
      if (job.watch !== null) this.unwatch(job);
      this.rejectedCount++;
      this.deliver(job, false, reason);
    }
    for (const job of running) {
      if (job.state !== RUNNING) continue;
      job.state = ABANDONED;
      if (job.watch !== null) this.unwatch(job);
      this.failedCount++;
      if (job.controller !== null) job.controller.abort(reason);
      this.deliver(job, false, reason);
    }
    this.closeController.abort(reason);
    this.finishClose();
    this.afterRelease();
  }

  private finishClose(): void {
    if (this.closeTimer !== null) {
      clearTimeout(this.closeTimer);
      this.closeTimer = null;
    }
    const resolve = this.closeResolve;
    this.closeResolve = null;
    if (resolve !== null) resolve();
  }
}

/**
 * Creates a bounded-concurrency executor: at most `concurrency` tasks run at once, at most
 * `maxQueue` wait (FIFO), the next is refused at once with `QueueFullError`.
 * Throws a `TypeError` with code `RERPC_ERR_INVALID_OPTION` on an invalid or unknown option.
 * @example
 * const pool = createWorkerPool({ concurrency: 10 });
 * const body = await pool.submit((signal) => fetch(url, { signal }).then((r) => r.text()));
 */
export function createWorkerPool(options?: WorkerPoolOptions): WorkerPool {
  return new Pool(resolveWorkerPoolOptions(options), true);
}
