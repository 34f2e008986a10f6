import { encodeBatch, encodeError } from '@rerpc/codec';
import {
  type ClassifiedSingle,
  classify,
  ErrorCode,
  type ErrorObject,
  type Id,
} from '@rerpc/protocol';
import { Batch, Call, DONE, PENDING } from './call.js';
import type { Core } from './core.js';
import { methodNotFound, PARAMS_UNCHECKABLE, SHUTTING_DOWN } from './wire.js';

/**
 * What a transport gives the core for one connection (or one exchange): where answers go and how
 * to stop reading. TCP is one such transport; HTTP and WebSocket adapters are others.
 */
export interface ChannelTransport {
  /** The peer's address for `ctx.remoteAddress`, or `null`. */
  readonly remoteAddress: string | null;
  /**
   * One answer: a response or a batch array, as JSON text without framing. The transport frames
   * it and writes it; it should coalesce the answers of one tick into one write.
   */
  send(text: string): void;
  /** Stop delivering messages (too many calls in flight, or the server is saturated). */
  pause(): void;
  /** Deliver messages again. */
  resume(): void;
  /**
   * The channel is ending and has nothing left in flight: every later request is only refused
   * (-32002, "not run"), and refusals may still be sent. Close gracefully; a persistent transport
   * should keep reading (and sending refusals) for a short grace period first, so requests already
   * on their way are answered "not run" rather than lost in its close.
   */
  end(): void;
}

/** The core's side of one connection: feed it parsed messages; answers go to its transport. */
export interface Channel {
  /**
   * Dispatches one parsed JSON value (a message or a batch). Returns `true` when an answer will be
   * sent (now or later) and `false` when none will (a notification, an all-notification batch, a
   * response-shaped message, or the channel is ending).
   */
  receive(value: unknown): boolean;
  /** Sends an error with id `null`: for input the transport could not decode (e.g. -32700). */
  sendError(error: ErrorObject): void;
  /**
   * Stops taking calls: calls in flight are answered, later requests get -32002 "Server is shutting
   * down" (they are not run), and once nothing is in flight the transport's `end()` is called.
   */
  end(): void;
  /** The peer is gone: in-flight calls are aborted (`ctx.signal`) and nothing more is sent. */
  destroy(reason?: unknown): void;
  /** Calls received and not answered yet. */
  readonly inFlight: number;
}

// Channel states.
const OPEN = 0;
const ENDING = 1;
const ENDED = 2;
const DESTROYED = 3;

const hasOwn = Object.prototype.hasOwnProperty;

export class ServerChannel implements Channel {
  readonly core: Core;
  readonly transport: ChannelTransport;
  readonly remoteAddress: string | null;
  /** A `handle()` exchange: tracked by the core only while it has calls in flight. */
  readonly ephemeral: boolean;
  inFlight: number;
  /** Its handlers running now (pool slots held, counting handlers still running after a timeout). */
  running: number;
  /** Its calls waiting for a handler slot, oldest first (linked through `qNext`). */
  qHead: Call | null;
  private qTail: Call | null;
  private qLength: number;
  /** In the core's round-robin of connections that may start a queued call. */
  inRing: boolean;
  rNext: ServerChannel | null;
  /** Calls that did not finish synchronously, newest first. */
  private head: Call | null;
  private state: number;
  /** In flight reached maxInFlightPerConnection. */
  private limitPaused: boolean;
  /** What the transport was last told. */
  private paused: boolean;

  constructor(core: Core, transport: ChannelTransport, ephemeral: boolean) {
    this.core = core;
    this.transport = transport;
    this.remoteAddress = transport.remoteAddress ?? null;
    this.ephemeral = ephemeral;
    this.inFlight = 0;
    this.running = 0;
    this.qHead = null;
    this.qTail = null;
    this.qLength = 0;
    this.inRing = false;
    this.rNext = null;
    this.head = null;
    this.state = OPEN;
    this.limitPaused = false;
    this.paused = false;
  }

  receive(value: unknown): boolean {
    if (this.state !== OPEN || this.core.closing) return this.refuse(value);
    if (Array.isArray(value)) return this.receiveBatch(value);
    return this.receiveOne(value, null, 0);
  }

  /**
   * One message, alone (`batch` null) or as member `index` of `batch`. The usual well-formed
   * request is checked inline: protocol's classify() allocates two objects per message. Anything
   * else takes classify() for the exact spec error. Own properties only.
   */
  private receiveOne(value: unknown, batch: Batch | null, index: number): boolean {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const m = value as Record<string, unknown>;
      const method = m['method'];
      if (
        m['jsonrpc'] === '2.0' &&
        typeof method === 'string' &&
        hasOwn.call(m, 'jsonrpc') &&
        hasOwn.call(m, 'method')
      ) {
        const params = hasOwn.call(m, 'params') ? m['params'] : undefined;
        if (params === undefined || (typeof params === 'object' && params !== null)) {
          if (!hasOwn.call(m, 'id')) {
            // Notifications in a batch run but are not waited for: they add nothing to its answer.
            this.dispatch(method, params, undefined, null, 0);
            return false;
          }
          const id = m['id'];
          if (
            id === null ||
            typeof id === 'string' ||
            (typeof id === 'number' && Number.isFinite(id))
          ) {
            this.dispatch(method, params, id, batch, index);
            return true;
          }
        }
      }
    }
    // classify() of a one-member array classifies the member by batch rules.
    const c = batch === null ? classify(value) : classify([value]);
    const single = c.kind === 'batch' ? c.items[0]! : c;
    return this.receiveOther(single, batch, index);
  }

  sendError(error: ErrorObject): void {
    if (this.state === DESTROYED) return;
    this.core.countError(error.code);
    this.transport.send(encodeError(null, error));
  }

  end(): void {
    if (this.state !== OPEN) return;
    this.state = ENDING;
    this.updatePause();
    if (this.inFlight === 0) this.finish();
  }

  destroy(reason?: unknown): void {
    if (this.state === DESTROYED) return;
    this.state = DESTROYED;
    const core = this.core;
    let call = this.head;
    this.head = null;
    while (call !== null) {
      const next = call.cNext;
      call.cPrev = null;
      call.cNext = null;
      call.linked = false;
      call.state = DONE;
      core.unlinkTimeout(call);
      call.abort(reason);
      this.inFlight--;
      core.inFlight--;
      call = next;
    }
    if (this.qLength > 0) {
      // Every queued call was aborted above: drop them now rather than when their turn comes.
      const count = this.qLength;
      this.qHead = null;
      this.qTail = null;
      this.qLength = 0;
      core.forgetQueued(count);
    }
    core.channels.delete(this);
    core.afterCall();
  }

  enqueue(call: Call): void {
    if (this.qTail === null) this.qHead = call;
    else this.qTail.qNext = call;
    this.qTail = call;
    this.qLength++;
  }

  dequeue(): Call | null {
    const call = this.qHead;
    if (call === null) return null;
    this.qHead = call.qNext;
    if (this.qHead === null) this.qTail = null;
    call.qNext = null;
    this.qLength--;
    return call;
  }

  /** Puts back the call `dequeue()` returned: no slot was free after all. */
  requeue(call: Call): void {
    call.qNext = this.qHead;
    this.qHead = call;
    if (this.qTail === null) this.qTail = call;
    this.qLength++;
  }

  /** Called by the core when its saturation changes. */
  updatePause(): void {
    const pause = this.state === OPEN && (this.limitPaused || this.core.saturated);
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.transport.pause();
    else this.transport.resume();
  }

  /** A pool callback: the handler returned or threw. */
  complete(call: Call, error: unknown, value: unknown): void {
    if (call.state !== PENDING) return;
    call.state = DONE;
    if (call.linked) this.unlink(call);
    const core = this.core;
    core.recordLatency(call.start);
    const id = call.id;
    if (id === undefined) {
      // A notification: never answered, but its failure is counted and reported.
      if (error !== null) core.errorObject(error, call);
    } else {
      let text: string;
      if (error === null) {
        try {
          text = call.entry.encoder.success(id, value);
        } catch (cause) {
          text = encodeError(id, core.unserialisable(cause, call));
        }
      } else {
        text = encodeError(id, core.errorObject(error, call));
      }
      this.answer(call.batch, call.index, text);
      if (call.batch !== null && --call.batch.pending === 0) this.sendBatch(call.batch);
    }
    this.release();
  }

  /** The server's sweep found `call` past handlerTimeout (it is already off the timeout list). */
  expire(call: Call, error: ErrorObject, reason: unknown): void {
    if (call.state !== PENDING) return;
    call.state = DONE;
    if (call.linked) this.unlink(call);
    call.abort(reason);
    this.core.countError(error.code);
    if (call.id !== undefined) {
      this.answer(call.batch, call.index, encodeError(call.id, error));
      if (call.batch !== null && --call.batch.pending === 0) this.sendBatch(call.batch);
    }
    this.release();
  }

  private dispatch(
    method: string,
    params: unknown,
    id: Id | undefined,
    batch: Batch | null,
    index: number,
  ): void {
    const core = this.core;
    const entry = core.registry.get(method);
    if (entry === undefined) {
      this.fail(methodNotFound(method), id, batch, index);
      return;
    }
    if (entry.validate !== null) {
      let invalid: ErrorObject | null;
      try {
        invalid = entry.validate(params);
      } catch {
        // A validator can only throw on pathological input (a recursive schema meeting very deep
        // params exhausts the stack): refuse the params rather than fail the connection.
        invalid = PARAMS_UNCHECKABLE;
      }
      if (invalid !== null) {
        this.fail(invalid, id, batch, index);
        return;
      }
    }
    const call = new Call(this, entry, params, id, batch, index, core.callStart());
    if (batch !== null) batch.pending++;
    this.inFlight++;
    core.inFlight++;
    if (this.inFlight >= core.options.maxInFlightPerConnection && !this.limitPaused) {
      this.limitPaused = true;
      this.updatePause();
    }
    core.submit(call);
    if (call.state === PENDING) {
      // Not finished synchronously: track it for disconnects and timeouts.
      call.linked = true;
      call.cNext = this.head;
      if (this.head !== null) this.head.cPrev = call;
      this.head = call;
      core.linkTimeout(call);
    }
  }

  /** Anything but a well-formed single request or notification. */
  private receiveOther(c: ClassifiedSingle, batch: Batch | null, index: number): boolean {
    switch (c.kind) {
      case 'request':
        this.dispatch(c.message.method, c.message.params, c.message.id, batch, index);
        return true;
      case 'notification':
        this.dispatch(c.message.method, c.message.params, undefined, null, 0);
        return false;
      case 'invalid':
        this.fail(c.error, c.id, batch, index);
        return true;
      default:
        // A response sent to the server: nobody asked; never answer it.
        this.core.ignoredResponses++;
        return false;
    }
  }

  private receiveBatch(items: unknown[]): boolean {
    const core = this.core;
    const length = items.length;
    if (length === 0) {
      return this.receiveOther(classify(items) as ClassifiedSingle, null, 0);
    }
    if (length > core.options.maxBatchLength) {
      this.fail(
        {
          code: ErrorCode.InvalidRequest,
          message: 'Invalid Request',
          data: `batch of ${length} members exceeds maxBatchLength (${core.options.maxBatchLength}); split it`,
        },
        null,
        null,
        0,
      );
      return true;
    }
    const batch = new Batch(length);
    let answers = 0;
    for (let i = 0; i < length; i++) {
      if (this.receiveOne(items[i], batch, i)) answers++;
    }
    if (--batch.pending === 0) this.sendBatch(batch);
    return answers > 0;
  }

  /** An answer that needs no handler: an invalid message, an unknown method, invalid params. */
  private fail(error: ErrorObject, id: Id | undefined, batch: Batch | null, index: number): void {
    this.core.countError(error.code);
    if (id === undefined) return;
    this.answer(batch, index, encodeError(id, error));
  }

  private answer(batch: Batch | null, index: number, text: string): void {
    if (batch === null) {
      if (this.state !== DESTROYED) this.transport.send(text);
      return;
    }
    batch.parts[index] = text;
  }

  private sendBatch(batch: Batch): void {
    const parts: string[] = [];
    for (const part of batch.parts) if (part !== null) parts.push(part);
    if (parts.length > 0 && this.state !== DESTROYED) this.transport.send(encodeBatch(parts));
  }

  /** After a call was answered: counters, batch completion, resume, end. */
  private release(): void {
    this.inFlight--;
    const core = this.core;
    core.inFlight--;
    if (this.limitPaused && this.inFlight <= core.options.maxInFlightPerConnection >>> 1) {
      this.limitPaused = false;
      this.updatePause();
    }
    if (this.inFlight === 0) {
      if (this.state === ENDING) this.finish();
      if (this.ephemeral) core.channels.delete(this);
    }
    core.afterCall();
  }

  private unlink(call: Call): void {
    call.linked = false;
    if (call.cPrev === null) this.head = call.cNext;
    else call.cPrev.cNext = call.cNext;
    if (call.cNext !== null) call.cNext.cPrev = call.cPrev;
    call.cPrev = null;
    call.cNext = null;
    this.core.unlinkTimeout(call);
  }

  private finish(): void {
    this.state = ENDED;
    this.transport.end();
  }

  /**
   * A message received while ending (also after `transport.end()`, during its grace period):
   * requests get -32002, nothing runs.
   */
  private refuse(value: unknown): boolean {
    if (this.state === DESTROYED) return false;
    const c = classify(value);
    if (c.kind !== 'batch') return this.refuseOne(c, null, 0);
    const batch = new Batch(c.items.length);
    let answers = 0;
    for (let i = 0; i < c.items.length; i++) {
      if (this.refuseOne(c.items[i]!, batch, i)) answers++;
    }
    if (--batch.pending === 0) this.sendBatch(batch);
    return answers > 0;
  }

  private refuseOne(c: ClassifiedSingle, batch: Batch | null, index: number): boolean {
    if (c.kind === 'request') {
      this.fail(SHUTTING_DOWN, c.message.id, batch, index);
      return true;
    }
    if (c.kind === 'invalid') {
      this.fail(c.error, c.id, batch, index);
      return true;
    }
    if (c.kind === 'response') this.core.ignoredResponses++;
    return false;
  }
}
