import { encodeError } from '@rerpc/codec';
import {
  type ErrorObject,
  type Id,
  invalidMessage,
  type MessageKind,
  messageKind,
} from '@rerpc/protocol';
import type { MethodEntry, Registry } from '@rerpc/registry';
import type { Admission } from './admission.js';
import { Batch, Call, type CallChannel, DONE, PENDING } from './call.js';
import { CancelRule } from './cancel.js';
import { ChannelCalls, type ChannelHost } from './channel-host.js';
import { publishRequest, publishResponse, requestReceived, responseSent } from './diagnostics.js';
import { DisconnectedError, RequestCancelledError } from './errors.js';
import type { Lane } from './lane.js';
import { PeerLink } from './peer.js';
import type { Scheduler } from './scheduler.js';
import type { CallStats } from './stats.js';
import type { Channel, ChannelTransport } from './transport.js';
import {
  batchTooLong,
  methodNotFound,
  PARAMS_UNCHECKABLE,
  REQUEST_CANCELLED,
  SHUTTING_DOWN,
} from './wire.js';

// Channel states.
const OPEN = 0;
const ENDING = 1;
const ENDED = 2;
const DESTROYED = 3;

const hasOwn = Object.prototype.hasOwnProperty;
const SERVER_ENDED = 'The server ended the connection (close(), an idle timeout, a framing error)';

/**
 * The life of a request, top-down (as fastify's lib/handle-request.js), one stage per section:
 *
 *   1 receive    a message or a batch, from the transport (already decoded by the codec)
 *   2 classify   protocol's messageKind(): request, notification, response or invalid
 *   3 look up    the registry's entry for the method
 *   4 validate   its params schema, compiled at registration
 *   5 queue/run  the core's scheduler starts the handler (runCall) now or when a slot frees up
 *   6 answer     the handler's value or error, encoded; a batch is sent once complete
 *   7 release    counters, reading resumed, the channel ended when it was ending
 *
 * then the channel's own life (end, destroy, pause). One channel per connection (TCP) or per
 * `handle()` exchange (ephemeral).
 */
export class ServerChannel implements Channel, CallChannel {
  readonly host: ChannelHost;
  readonly transport: ChannelTransport;
  readonly remoteAddress: string | null;
  /** A `handle()` exchange: tracked by the core only while it has calls in flight. */
  readonly ephemeral: boolean;
  /** Its place in the core's fair queue. */
  readonly lane: Lane<Call>;
  /** The connection's peer side (`ctx.peer`); `null` for an exchange (nothing to call back on). */
  readonly link: PeerLink | null;
  inFlight: number;
  private readonly scheduler: Scheduler;
  private readonly registry: Registry;
  private readonly stats: CallStats;
  private readonly maxInFlight: number;
  /** The `cancelMethod` option: its name (`null`: off), id member, whether it answers. */
  private readonly cancel: CancelRule;
  /** Calls that did not finish synchronously, oldest first. */
  private readonly calls: ChannelCalls;
  private state: number;
  /** In flight reached maxInFlightPerConnection. */
  private limitPaused: boolean;
  /** What the transport was last told. */
  private paused: boolean;
  /** While `onConnection` decides (reading paused, messages held); null once admitted. */
  private admission: Admission | null;

  constructor(
    host: ChannelHost,
    transport: ChannelTransport,
    ephemeral: boolean,
    lane: Lane<Call>,
  ) {
    this.host = host;
    this.transport = transport;
    this.remoteAddress = transport.remoteAddress ?? null;
    this.ephemeral = ephemeral;
    this.lane = lane;
    this.link = ephemeral
      ? null
      : new PeerLink(host.peerId(), transport, host.options, host.stats.peers);
    this.inFlight = 0;
    this.registry = host.registry;
    this.stats = host.stats;
    this.scheduler = host.scheduler;
    this.maxInFlight = host.options.maxInFlightPerConnection;
    this.cancel = new CancelRule(host.options.cancelMethod);
    this.calls = new ChannelCalls();
    this.state = OPEN;
    this.limitPaused = false;
    this.paused = false;
    this.admission = null;
  }

  // 1. Receive ------------------------------------------------------------------------------

  receive(value: unknown): boolean {
    if (this.state === DESTROYED) return false;
    if (this.admission !== null) return this.admission.hold(value);
    // While ending (also after transport.end(), during its grace period) requests are refused
    // with -32002 and nothing runs.
    const refusing = this.state !== OPEN || this.host.closing;
    if (Array.isArray(value)) return this.receiveBatch(value, refusing);
    return this.receiveOne(value, null, 0, refusing);
  }

  private receiveBatch(items: unknown[], refusing: boolean): boolean {
    const length = items.length;
    if (length === 0) {
      this.fail(invalidMessage(items, false)!.error, null, null, 0);
      return true;
    }
    const max = this.host.options.maxBatchLength;
    if (!refusing && length > max) {
      this.fail(batchTooLong(length, max), null, null, 0);
      return true;
    }
    const batch = new Batch(length);
    let answers = 0;
    for (let i = 0; i < length; i++) {
      if (this.receiveOne(items[i], batch, i, refusing)) answers++;
    }
    if (--batch.pending === 0) this.sendBatch(batch);
    return answers > 0;
  }

  // 2. Classify -----------------------------------------------------------------------------

  /** One message, alone (`batch` null) or as member `index` of `batch`; true when it is answered. */
  private receiveOne(
    value: unknown,
    batch: Batch | null,
    index: number,
    refusing: boolean,
  ): boolean {
    const kind = messageKind(value);
    if (kind === 'request' && !refusing) {
      // messageKind() checked these own members: method a string, params absent or structured,
      // id valid.
      const m = value as Record<string, unknown>;
      const params = hasOwn.call(m, 'params') ? m['params'] : undefined;
      this.dispatch(m['method'] as string, params, m['id'] as Id, batch, index);
      return true;
    }
    return this.receiveOther(value, kind, batch, index, refusing);
  }

  /**
   * Anything but a request to run: a notification, a request while refusing, a response, an
   * invalid message. Apart from the usual request, so that stays small enough to inline whole.
   */
  private receiveOther(
    value: unknown,
    kind: MessageKind,
    batch: Batch | null,
    index: number,
    refusing: boolean,
  ): boolean {
    const m = value as Record<string, unknown>;
    if (kind === 'notification' && m['method'] === this.cancel.method) {
      // `$/cancelRequest` (even while refusing): -32800 (unless the rule sends no answer), signal
      // aborted, slot back on return.
      const id = this.cancel.idOf(m['params']);
      const call = id === null ? null : this.calls.cancelled(id);
      this.stats.peers.cancelReceived(call !== null);
      if (call !== null) {
        const reason = new RequestCancelledError(call.entry.name);
        this.expire(call, REQUEST_CANCELLED, reason, this.cancel.answer);
      }
      return false;
    }
    if (kind === 'notification') {
      // Notifications in a batch run but are not waited for: they add nothing to its answer.
      if (!refusing) {
        this.dispatch(
          m['method'] as string,
          hasOwn.call(m, 'params') ? m['params'] : undefined,
          undefined,
          null,
          0,
        );
      }
      return false;
    }
    if (kind === 'request') {
      this.fail(SHUTTING_DOWN, m['id'] as Id, batch, index);
      return true;
    }
    if (kind === 'response') {
      // The answer to a call to the peer (`ctx.peer.call`); else nobody asked: never answer it.
      if (this.link === null || !this.link.calls.answer(m)) this.stats.countIgnoredResponse();
      return false;
    }
    const invalid = invalidMessage(value, batch !== null)!;
    this.fail(invalid.error, invalid.id, batch, index);
    return true;
  }

  // 3. Look up, 4. validate, 5. queue or run ----------------------------------------------------

  private dispatch(
    method: string,
    params: unknown,
    id: Id | undefined,
    batch: Batch | null,
    index: number,
  ): void {
    const entry = this.registry.get(method);
    // Stryker disable next-line ConditionalExpression: a fast path: publish() without subscribers does nothing, and building the message reads no clock
    if (requestReceived.hasSubscribers)
      publishRequest(this, method, id, params, entry !== undefined);
    if (entry === undefined) {
      this.fail(methodNotFound(method), id, batch, index);
      this.published(method, id, false, -32601);
      return;
    }
    if (entry.validate !== null && !this.validParams(entry, params, id, batch, index)) return;
    const call = new Call(this, this.lane, entry, params, id, batch, index, this.stats.callStart());
    if (batch !== null) batch.pending++;
    if (++this.inFlight >= this.maxInFlight) this.limitReached();
    this.host.callAdded();
    if (this.scheduler.submit(call)) this.host.saturationChanged();
    if (call.state === PENDING) this.track(call);
  }

  /** Checks params against the method's schema; answers -32602 and returns false when they fail. */
  private validParams(
    entry: MethodEntry,
    params: unknown,
    id: Id | undefined,
    batch: Batch | null,
    index: number,
  ): boolean {
    let invalid: ErrorObject | null;
    try {
      invalid = entry.validate!(params);
    } catch {
      // A validator can only throw on pathological input (a recursive schema meeting very deep
      // params exhausts the stack): refuse the params rather than fail the connection.
      invalid = PARAMS_UNCHECKABLE;
    }
    if (invalid === null) return true;
    this.fail(invalid, id, batch, index);
    this.published(entry.name, id, true, invalid.code);
    return false;
  }

  /** In flight reached maxInFlightPerConnection: stop reading until it is down to half. */
  private limitReached(): void {
    // Stryker disable next-line ConditionalExpression: a fast path: pausing again while paused changes nothing (updatePause() finds the transport told already)
    if (this.limitPaused) return;
    this.limitPaused = true;
    this.updatePause();
  }

  /** A call not finished synchronously: tracked for disconnects and timeouts. */
  private track(call: Call): void {
    call.linked = true;
    this.calls.push(call);
    this.host.watch(call);
  }

  // 6. Answer ---------------------------------------------------------------------------------

  /**
   * The handler returned (`error` null) or threw; the pool called callDone (below). Answers the
   * call unless it was answered already (timed out, peer gone), then gives its slot back.
   */
  finished(call: Call, error: unknown, value: unknown): void {
    if (call.state === PENDING) {
      call.state = DONE;
      if (call.linked) this.unlink(call);
      this.stats.recordLatency(call.start);
      const id = call.id;
      let code: number | null = null;
      if (error !== null) {
        code = this.failed(call, error);
      } else if (id !== undefined) {
        let text: string;
        try {
          text = call.entry.encoder.success(id, value);
        } catch (cause) {
          const answer = this.host.handlerErrors.unserialisable(cause, call.ctx);
          code = answer.code;
          text = this.errorText(id, answer);
        }
        this.settle(call, text);
      }
      if (responseSent.hasSubscribers) this.publishCall(call, code, id !== undefined);
      this.release();
    }
    if (this.scheduler.release(call.lane)) this.host.saturationChanged();
  }

  /**
   * The handler threw: answer the error (a notification's is only counted and reported). Apart
   * from `finished`, like every branch the usual call does not take, to keep that one small.
   */
  private failed(call: Call, error: unknown): number {
    const answer = this.host.handlerErrors.thrown(error, call.ctx);
    if (call.id === undefined) this.stats.countError(answer.code);
    else this.settle(call, this.errorText(call.id, answer));
    return answer.code;
  }

  /** `call`'s answer is `text`: sent, or kept for its batch (sent with its last member's). */
  private settle(call: Call, text: string): void {
    const batch = call.batch;
    this.answer(batch, call.index, text);
    // A subscribe call's events may go out once its answer has (never before the id's reply).
    if (call.onAnswer !== null) call.answered();
    if (batch !== null && --batch.pending === 0) this.sendBatch(batch);
  }

  /**
   * The core found `call` past handlerTimeout (it is already off the deadline list), or it was
   * cancelled. `answer` false: nothing is sent for it (MCP's cancel; still counted as `error`).
   */
  expire(call: Call, error: ErrorObject, reason: unknown, answer = true): void {
    // Stryker disable next-line ConditionalExpression: defensive: the deadline timer and the cancel scan find only pending calls (finished() and abortAll() take a call off both as it leaves PENDING)
    if (call.state !== PENDING) return;
    call.state = DONE;
    // Stryker disable next-line ConditionalExpression: an expired call is always linked: the timer and the cancel scan only find tracked calls
    if (call.linked) this.unlink(call);
    call.abort(reason);
    this.stats.countError(error.code);
    if (call.id !== undefined) {
      if (answer) this.settle(call, encodeError(call.id, error));
      else if (call.batch !== null && --call.batch.pending === 0) this.sendBatch(call.batch);
    }
    if (responseSent.hasSubscribers)
      this.publishCall(call, error.code, answer && call.id !== undefined);
    this.release();
  }

  /** An answer that needs no handler: an invalid message, an unknown method, invalid params. */
  private fail(error: ErrorObject, id: Id | undefined, batch: Batch | null, index: number): void {
    this.stats.countError(error.code);
    if (id === undefined) return;
    this.answer(batch, index, encodeError(id, error));
  }

  /** `rerpc:server:response` for a request answered without a handler (unknown method, bad params). */
  private published(method: string, id: Id | undefined, registered: boolean, code: number): void {
    if (!responseSent.hasSubscribers) return;
    const duration = this.stats.elapsed(this.stats.callStart());
    publishResponse(this, method, id, registered, code, id !== undefined, duration, null);
  }

  /** `rerpc:server:response` for a call a handler ran (or was to run). */
  private publishCall(call: Call, code: number | null, answered: boolean): void {
    const duration = this.stats.elapsed(call.start);
    publishResponse(this, call.entry.name, call.id, true, code, answered, duration, call.ctx);
  }

  private errorText(id: Id, error: ErrorObject): string {
    this.stats.countError(error.code);
    return encodeError(id, error);
  }

  private answer(batch: Batch | null, index: number, text: string): void {
    if (batch === null) {
      if (this.state !== DESTROYED) this.transport.send(text);
      return;
    }
    batch.parts[index] = text;
  }

  private sendBatch(batch: Batch): void {
    const text = batch.text();
    if (text !== null && this.state !== DESTROYED) this.transport.send(text);
    if (batch.after !== null) for (const hook of batch.after) hook();
  }

  // 7. Release --------------------------------------------------------------------------------

  /** After a call was answered: counters, resume reading, end. */
  private release(): void {
    this.inFlight--;
    if (this.limitPaused && this.inFlight <= this.maxInFlight >>> 1) {
      this.limitPaused = false;
      this.updatePause();
    }
    if (this.inFlight === 0 && this.state === ENDING) this.finish();
    this.host.callSettled(this);
  }

  private unlink(call: Call): void {
    // Stryker disable next-line BooleanLiteral: linked is read only while a call is PENDING, and a call is unlinked only as it leaves PENDING
    call.linked = false;
    this.calls.remove(call);
    this.host.unwatch(call);
  }

  // The channel's own life ------------------------------------------------------------------

  sendError(error: ErrorObject): void {
    if (this.state === DESTROYED) return;
    this.stats.countError(error.code);
    this.transport.send(encodeError(null, error));
  }

  end(): void {
    if (this.state !== OPEN) return;
    this.state = ENDING;
    this.updatePause();
    if (this.inFlight === 0) this.finish();
  }

  destroy(reason?: unknown): void {
    // Stryker disable next-line ConditionalExpression: a second destroy() finds no call to drop, and what follows is idempotent (link.close(), channelDestroyed() with 0 dropped)
    if (this.state === DESTROYED) return;
    this.state = DESTROYED;
    if (responseSent.hasSubscribers) {
      // Dropped unanswered: published so in-flight counts built from these events return to 0.
      for (let call = this.calls.head; call !== null; call = call.cNext) {
        this.publishCall(call, null, false);
      }
    }
    const dropped = this.calls.abortAll(this.host, reason);
    this.inFlight -= dropped;
    this.link?.close(reason ?? new DisconnectedError());
    this.host.channelDestroyed(this, dropped);
  }

  /**
   * The server destroys the channel (`close()` gave up): as `destroy()`, and the transport is
   * told through its `destroyed` hook so it can drop the connection or fail the exchange.
   */
  abandon(reason: unknown): void {
    // Stryker disable next-line ConditionalExpression: defensive: core.abandon() reaches only channels in its set, which destroy() leaves, and admitted() checks first
    if (this.state === DESTROYED) return;
    this.destroy(reason);
    this.transport.destroyed?.(reason);
  }

  /** Tells the transport to pause or resume reading; called again when the core's saturation changes. */
  updatePause(): void {
    const pause =
      this.state === OPEN &&
      (this.admission !== null || this.limitPaused || this.scheduler.saturated);
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.transport.pause();
    else this.transport.resume();
  }

  /** `onConnection` decides: messages wait (reading paused) until it calls `admitted()`. */
  admit(admission: Admission): void {
    this.admission = admission;
    this.updatePause();
  }

  /** `onConnection` decided: the held messages run, in order, or the connection is dropped. */
  admitted(ok: boolean, held: readonly unknown[], reason: unknown): void {
    if (this.state === DESTROYED) return;
    this.admission = null;
    if (!ok) {
      this.abandon(reason);
      return;
    }
    this.updatePause();
    for (const value of held) this.receive(value);
  }

  /** `onConnection` has not decided yet: the connection is not among `server.peers()`. */
  get admitting(): boolean {
    return this.admission !== null;
  }

  /** A call's deadline, for its `ctx`. */
  deadlineOf(start: number): number {
    return this.host.deadlineOf(start);
  }

  /** The transport's write buffer drained: subscriptions waiting on it write on. */
  drained(): void {
    if (this.link !== null) this.link.drained();
  }

  /** Calls in flight, calls to the peer pending, subscriptions open: not idle. */
  get busy(): boolean {
    // Stryker disable next-line OptionalChaining: link is null only for a handle() exchange, whose busy nobody reads
    return this.inFlight > 0 || this.link?.busy === true;
  }

  private finish(): void {
    this.state = ENDED;
    this.link?.close(new DisconnectedError(SERVER_ENDED));
    this.transport.end();
  }
}
