import { LinkedList, type SignalWatch, type WatchNode } from '@rerpc/internal';
import { reportLater } from './report-later.js';
import type { TaskCallback } from './types.js';

// Job states.
export const QUEUED = 0;
export const RUNNING = 1;
/** Its caller got an answer (aborted, or abandoned by close) but the task itself still runs. */
export const ABANDONED = 2;
export const DONE = 3;

// How a job calls its function.
export const CALL_TASK = 0; // fn(signal)
export const CALL_FN = 1; // fn(arg, signal)

export type AnyFn = (a: unknown, b?: unknown) => unknown;
type Settle = (value: unknown) => void;

/**
 * One task that did not finish synchronously. It is a node of exactly one linked list at a time
 * (the {@link JobQueue}, or the {@link RunningList}), so removal on abort is O(1) and nothing else
 * is allocated per task; with a caller signal it is also a node of that signal's watch list.
 */
export class Job implements WatchNode<Job> {
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
  watch: SignalWatch<Job> | null;
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

// `new Promise(executor)` with one shared executor: no closure per promise.
let pendingResolve: Settle | null = null;
let pendingReject: Settle | null = null;
function captureSettlers(resolve: Settle, reject: Settle): void {
  pendingResolve = resolve;
  pendingReject = reject;
}

/** A promise settled through `job.resolve` / `job.reject`. */
export function promiseFor<T>(job: Job): Promise<T> {
  const promise = new Promise<T>(captureSettlers as (r: (v: T) => void, j: Settle) => void);
  job.resolve = pendingResolve;
  job.reject = pendingReject;
  return promise;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** What a `tryRun` callback gets for a task that threw `null` or `undefined`: an Error. */
export function asError(value: unknown): unknown {
  return value === null || value === undefined
    ? new Error(`The task threw ${String(value)}`, { cause: value })
    : value;
}

/** Hands a settled job's outcome to its caller: its callback, or its promise. */
export function deliver(job: Job, ok: boolean, value: unknown): void {
  const done = job.done;
  if (done !== null) {
    if (ok) callBack(done, null, value, job.arg);
    else callBack(done, asError(value), undefined, job.arg);
  } else if (ok) {
    job.resolve!(value);
  } else {
    job.reject!(value);
  }
}

/** Calls a `tryRun` callback; a throw from it is the caller's bug, reported, never ours. */
export function callBack(
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

/** The FIFO of jobs waiting for a slot. */
export class JobQueue extends LinkedList<Job> {
  override push(job: Job): void {
    job.state = QUEUED;
    super.push(job);
  }
}

/** Jobs started and not settled (RUNNING or ABANDONED), oldest first. */
export class RunningList extends LinkedList<Job> {
  /**
   * The jobs still RUNNING (not abandoned), newest first, as an array: the caller may settle them
   * as it goes.
   */
  running(): Job[] {
    // Stryker disable next-line ArrayDeclaration: abortAll() skips anything that is not a RUNNING job
    const jobs: Job[] = [];
    for (let job = this.tail; job !== null; job = job.prev) {
      // Stryker disable next-line ConditionalExpression: abortAll() skips a job that is no longer RUNNING anyway (it re-checks, as jobs settle while it goes)
      if (job.state === RUNNING) jobs.push(job);
    }
    return jobs;
  }
}
