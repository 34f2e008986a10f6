import { createWorkerPool, type WorkerPool } from '@rerpc/worker-pool';
import { type Call, PENDING } from './call.js';
import { callTracing, traceCall } from './diagnostics.js';
import { Lane } from './lane.js';

/** What the pool runs for a call, and what it calls back with the outcome; shared by every call. */
export type RunCall = (call: Call) => unknown;
export type CallDone = (error: unknown, value: unknown, call: Call) => void;

export interface SchedulerLimits {
  readonly concurrency: number;
  readonly maxRunningPerConnection: number;
  readonly maxQueue: number;
}

/**
 * Decides when each call runs: at once when a handler slot is free and its lane is under
 * `maxRunningPerConnection`, else in its lane's queue. Queued calls start round-robin across
 * lanes as slots free up, so a connection with 1,000 slow calls waiting delays another
 * connection's call by at most one turn, never by its whole queue. Its methods return whether the
 * server's saturation changed (the queue filled up, or drained to half); the caller pauses or
 * resumes reading.
 */
export class Scheduler {
  private readonly pool: WorkerPool;
  private run: RunCall;
  private readonly done: CallDone;
  private readonly perLane: number;
  private readonly maxQueue: number;
  /** Lanes with queued calls that may start one now, in turn order. */
  private ringHead: Lane<Call> | null = null;
  private ringTail: Lane<Call> | null = null;
  /** Calls queued in every lane (some may have been answered while queued). */
  private length = 0;
  private full = false;
  private pumping = false;
  /** `run` inside `tracingChannel('rerpc:server:call')`, used only while it has subscribers. */
  private readonly traced: RunCall = (call) => traceCall(call, this.run);

  constructor(limits: SchedulerLimits, run: RunCall, done: CallDone) {
    this.run = run;
    this.done = done;
    this.perLane = limits.maxRunningPerConnection;
    this.maxQueue = limits.maxQueue;
    // The pool only bounds how many handlers run; the fair queue in front of it is ours.
    this.pool = createWorkerPool({ concurrency: limits.concurrency, maxQueue: 0, closeTimeout: 0 });
  }

  /** What runs a call from now on (the middleware chain, once the server has one). */
  setRun(run: RunCall): void {
    this.run = run;
  }

  /** A new channel's lane. */
  lane(): Lane<Call> {
    return new Lane<Call>();
  }

  /** The queue is full: the server stops reading every channel until it is down to half. */
  get saturated(): boolean {
    return this.full;
  }

  /** Handlers running now. */
  get running(): number {
    return this.pool.running;
  }

  /** Calls waiting for a handler slot. */
  get queued(): number {
    return this.pool.queued + this.length;
  }

  /** Runs `call` now or queues it; returns true when this filled the queue (saturation began). */
  submit(call: Call): boolean {
    const lane = call.lane;
    // Stryker disable next-line BooleanLiteral: a spurious true only re-syncs every channel's pause state (saturationChanged() changes nothing then)
    if (lane.head === null && lane.running < this.perLane && this.start(call)) return false;
    return this.queue(lane, call);
  }

  /** `call` waits in its lane's queue; true when this filled the queue. */
  private queue(lane: Lane<Call>, call: Call): boolean {
    this.enqueue(lane, call);
    this.length++;
    if (!lane.inRing && lane.running < this.perLane) this.ringAdd(lane);
    // Stryker disable next-line BooleanLiteral: a spurious true only re-syncs every channel's pause state (saturationChanged() changes nothing then)
    if (this.full || this.length < this.maxQueue) return false;
    // Full: the caller stops reading everywhere. What is already read (at most one read per
    // connection) waits too, so nothing is refused and memory stays bounded.
    this.full = true;
    return true;
  }

  /** A handler slot held by one of `lane`'s calls was given back; true when saturation ended. */
  release(lane: Lane<Call>): boolean {
    lane.running--;
    // It is under perLane now: it had at most perLane running.
    if (lane.head !== null && !lane.inRing) this.ringAdd(lane);
    // Stryker disable next-line ConditionalExpression: a fast path: pump() with an empty ring starts nothing
    if (this.ringHead !== null && !this.pumping) this.pump();
    return this.unsaturate();
  }

  /** A destroyed channel's queued calls (all answered already) are dropped; true when saturation ended. */
  drop(lane: Lane<Call>): boolean {
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: a fast path: an empty lane changes no count, and saturation cannot end here (while full, more than half is queued between pumps)
    if (lane.length === 0) return false;
    this.length -= lane.length;
    lane.head = null;
    lane.tail = null;
    lane.length = 0;
    // A lane left in the ring is skipped when its turn comes: its queue is empty.
    return this.unsaturate();
  }

  /** Lets go of handlers still running (the server answered or abandoned them all). */
  // Stryker disable next-line BlockStatement: clean-up only: once closing, every channel refuses calls, so none reaches the pool again, and its answers for abandoned calls are ignored (they are answered)
  close(): void {
    // Stryker disable next-line ObjectLiteral: the pool was created with closeTimeout 0
    void this.pool.close({ timeout: 0 });
  }

  private start(call: Call): boolean {
    const lane = call.lane;
    lane.running++;
    const run = callTracing.hasSubscribers ? this.traced : this.run;
    if (this.pool.tryRun(run, call, this.done)) return true;
    lane.running--;
    return false;
  }

  /** Starts queued calls, one per lane per turn, while slots are free. */
  private pump(): void {
    // A call may finish synchronously inside tryRun and free its slot again: no re-entry.
    this.pumping = true;
    try {
      let lane: Lane<Call> | null;
      while ((lane = this.ringHead) !== null) {
        const call = this.dequeue(lane);
        if (call === null) {
          this.ringShift();
          continue;
        }
        this.length--;
        if (call.state !== PENDING) continue; // answered while queued (timed out, peer gone)
        if (!this.start(call)) {
          this.requeue(lane, call);
          this.length++;
          break;
        }
        this.ringShift();
        if (lane.head !== null && lane.running < this.perLane) this.ringAdd(lane);
      }
    } finally {
      this.pumping = false;
    }
  }

  private unsaturate(): boolean {
    // Stryker disable next-line BooleanLiteral: a spurious true only re-syncs every channel's pause state (saturationChanged() changes nothing then)
    if (!this.full || this.length > this.maxQueue >>> 1) return false;
    this.full = false;
    return true;
  }

  private enqueue(lane: Lane<Call>, call: Call): void {
    if (lane.tail === null) lane.head = call;
    else lane.tail.qNext = call;
    lane.tail = call;
    lane.length++;
  }

  private dequeue(lane: Lane<Call>): Call | null {
    const call = lane.head;
    if (call === null) return null;
    lane.head = call.qNext;
    if (lane.head === null) lane.tail = null;
    call.qNext = null;
    lane.length--;
    return call;
  }

  /** Puts back the call `dequeue()` returned: no slot was free after all. */
  private requeue(lane: Lane<Call>, call: Call): void {
    call.qNext = lane.head;
    lane.head = call;
    if (lane.tail === null) lane.tail = call;
    lane.length++;
  }

  private ringAdd(lane: Lane<Call>): void {
    lane.inRing = true;
    lane.next = null;
    if (this.ringTail === null) this.ringHead = lane;
    else this.ringTail.next = lane;
    this.ringTail = lane;
  }

  private ringShift(): void {
    const lane = this.ringHead!;
    this.ringHead = lane.next;
    if (this.ringHead === null) this.ringTail = null;
    lane.next = null;
    lane.inRing = false;
  }
}
