import { channel, tracingChannel } from 'node:diagnostics_channel';
import type { Id } from '@rerpc/protocol';
import type { CallContext } from './call.js';
import { type Call, PENDING } from './call.js';
import type { Peer } from './peer.js';

// The server's diagnostics channels (undici's lib/core/diagnostics.js is the model): a message is
// built and published only when a channel has subscribers, so a server nobody watches pays one
// property read per event.

/** `rerpc:server:connection:open` and `rerpc:server:connection:close`. */
export interface ServerConnectionMessage {
  /** The connection (TCP, TLS, Unix socket, WebSocket, stream); `peer.id` is unique in the server. */
  readonly peer: Peer;
  /** Why it closed (`close` only): a `DisconnectedError` or `ServerClosedError`. */
  readonly reason: unknown;
}

/** `rerpc:server:request`: a request or notification to dispatch (batch members one by one). */
export interface ServerRequestMessage {
  /** The method named on the wire (any string: check `registered` before using it as a label). */
  readonly method: string;
  /** The request's id; `undefined` for a notification. */
  readonly id: Id | undefined;
  readonly params: unknown;
  /** A method of the server's registry (false: it is answered -32601). */
  readonly registered: boolean;
  /** The connection, or `null` over plain HTTP and `handle()`. */
  readonly peer: Peer | null;
  readonly remoteAddress: string | null;
}

/** `rerpc:server:response`: a dispatched request was answered, or a notification finished. */
export interface ServerResponseMessage {
  readonly method: string;
  readonly id: Id | undefined;
  readonly registered: boolean;
  /** The JSON-RPC error code answered (or counted, for a notification); `null` for a result. */
  readonly code: number | null;
  /** Something was sent: false for a notification, a cancel answered with nothing (`answer: false`). */
  readonly answered: boolean;
  /** Milliseconds from the read that brought the request to its answer. */
  readonly duration: number;
  /** The handler's `ctx` (the one `rerpc:server:call` traced), or `null` when no handler was to run. */
  readonly ctx: CallContext | null;
  readonly peer: Peer | null;
  readonly remoteAddress: string | null;
}

/**
 * The context of `tracingChannel('rerpc:server:call')`, around each handler run (registered
 * methods whose params passed validation): `start` and `end` around the synchronous part (the
 * handler runs inside `start.runStores()`, so stores bound to it are active in the handler),
 * `asyncStart`/`asyncEnd` when a returned promise settles, `error` when it throws or rejects.
 */
export interface ServerCallTrace {
  readonly method: string;
  readonly id: Id | undefined;
  readonly params: unknown;
  /** The handler's `ctx`. */
  readonly ctx: CallContext;
  /** What the handler returned or resolved (set before `end` / `asyncStart`). */
  result: unknown;
  /** What it threw or rejected with (set before `error`). */
  error: unknown;
}

export const connectionOpened = channel('rerpc:server:connection:open');
export const connectionClosed = channel('rerpc:server:connection:close');
export const requestReceived = channel('rerpc:server:request');
export const responseSent = channel('rerpc:server:response');
export const callTracing = tracingChannel<unknown, ServerCallTrace & object>('rerpc:server:call');

type RunCall = (call: Call) => unknown;

/** Where a message came from (a `ServerChannel`). */
interface Source {
  readonly link: { readonly peer: Peer } | null;
  readonly remoteAddress: string | null;
}

export function publishRequest(
  source: Source,
  method: string,
  id: Id | undefined,
  params: unknown,
  registered: boolean,
): void {
  const message: ServerRequestMessage = {
    method,
    id,
    params,
    registered,
    peer: source.link === null ? null : source.link.peer,
    remoteAddress: source.remoteAddress,
  };
  requestReceived.publish(message);
}

export function publishResponse(
  source: Source,
  method: string,
  id: Id | undefined,
  registered: boolean,
  code: number | null,
  answered: boolean,
  duration: number,
  ctx: CallContext | null,
): void {
  const message: ServerResponseMessage = {
    method,
    id,
    registered,
    code,
    answered,
    duration,
    ctx,
    peer: source.link === null ? null : source.link.peer,
    remoteAddress: source.remoteAddress,
  };
  responseSent.publish(message);
}

/** Runs `call` through `run` inside the tracing channel (only while it has subscribers). */
export function traceCall(call: Call, run: RunCall): unknown {
  // Stryker disable next-line ConditionalExpression: defensive: the scheduler starts only pending calls (runCall() and runWithMiddleware() have the same guard)
  if (call.state !== PENDING) return run(call);
  const trace: ServerCallTrace = {
    method: call.entry.name,
    id: call.id,
    params: call.params,
    ctx: call.ctx,
    result: undefined,
    error: undefined,
  };
  return callTracing.start.runStores(trace, runTraced, undefined, call, run, trace);
}

function runTraced(call: Call, run: RunCall, trace: ServerCallTrace): unknown {
  try {
    const out = run(call);
    if (
      typeof out === 'object' &&
      out !== null &&
      typeof (out as { then?: unknown }).then === 'function'
    ) {
      return Promise.resolve(out).then(
        (value) => {
          trace.result = value;
          callTracing.asyncStart.publish(trace);
          callTracing.asyncEnd.publish(trace);
          return value;
        },
        (error: unknown) => {
          trace.error = error;
          callTracing.error.publish(trace);
          callTracing.asyncStart.publish(trace);
          callTracing.asyncEnd.publish(trace);
          throw error;
        },
      );
    }
    trace.result = out;
    return out;
  } catch (error) {
    trace.error = error;
    callTracing.error.publish(trace);
    throw error;
  } finally {
    callTracing.end.publish(trace);
  }
}
