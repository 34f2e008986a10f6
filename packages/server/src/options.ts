import type { Framing } from '@rerpc/codec';
import {
  checkBoolean,
  checkFunctionOrNull,
  checkInteger,
  checkOptions,
  checkTime,
  describe,
  optionError,
  resolveCancelMethod,
} from '@rerpc/internal';
import type { StringFormat } from '@rerpc/registry';
import type { ConnectionListener } from './admission.js';
import type { CallContext } from './call.js';
import type { CancelNotification, ResolvedCancelMethod } from './cancel.js';
import { type DiscoverOptions, type ResolvedDiscover, resolveDiscover } from './discover.js';
import { checkHealthMethod } from './health.js';

/** What `onHandlerError` takes: a listener, `'log'` (the default) or `null` (silence). */
export type HandlerErrorListener = (error: unknown, ctx: CallContext) => void;

/** Options of {@link createServer}. Every limit has a default; numbers are integers. */
export interface ServerOptions {
  /**
   * How JSON texts are delimited on a TCP connection: `'ndjson'` (one JSON text per `\n`-ended
   * line, the Go rerpc wire format) or `'content-length'` (LSP-style headers).
   * @default 'ndjson'
   */
  framing?: Framing;
  /**
   * Largest message (one frame's JSON text) in bytes. A larger frame is answered with -32600 (id
   * null) and that connection is closed.
   * @default 1048576 (1 MiB)
   */
  maxMessageBytes?: number;
  /** Most members in one batch; a longer batch is answered with one -32600 error. @default 1000 */
  maxBatchLength?: number;
  /** Most open connections; a further connection is accepted and destroyed at once. @default 10000 */
  maxConnections?: number;
  /**
   * Calls in flight (received, not yet answered) on one connection at which the server stops
   * reading that connection; it reads again once they are down to half.
   * @default 1000
   */
  maxInFlightPerConnection?: number;
  /**
   * Milliseconds without traffic and without calls in flight after which a connection is closed
   * (also: a connection whose answers the peer has not read for this long is destroyed). 0 disables.
   * @default 300000 (5 minutes)
   */
  idleTimeout?: number;
  /**
   * Milliseconds from a call's arrival to its answer: past it the caller gets -32001 "Handler timed
   * out" and `ctx.signal` aborts. 0 disables.
   * @default 30000
   */
  handlerTimeout?: number;
  /**
   * Bytes of answers a connection may have waiting to be sent (the peer reads too slowly) before it
   * is destroyed. The server already stops reading its requests once the socket's buffer is full.
   * @default 16777216 (16 MiB)
   */
  maxWriteBufferBytes?: number;
  /** Handlers running at once (Go rerpc's `NewServer(workers)`). @default 100 */
  concurrency?: number;
  /**
   * Handlers one connection may have running at once, so one connection cannot take every slot:
   * its further calls wait in its own queue, and waiting calls are started round-robin across
   * connections. At most `concurrency`.
   * @default half of `concurrency`, at least 1 (50)
   */
  maxRunningPerConnection?: number;
  /**
   * Deepest nesting of arrays and objects in one message (the envelope counts: a request's
   * `params` array is depth 2). Checked before the JSON is parsed, because parsing deep input is
   * slow (~300 ms for 1 MB of `[`); a deeper message is answered with -32600 (id null) and the
   * connection keeps serving.
   * @default 128
   */
  maxDepth?: number;
  /**
   * Milliseconds a connection keeps reading after it has nothing left in flight and is closing
   * (server `close()`, idle timeout) before it half-closes: requests that arrive meanwhile are
   * answered -32002 ("not run") instead of crossing the FIN, so a client knows they never ran.
   * 0 half-closes at once.
   * @default 250
   */
  closeGrace?: number;
  /**
   * Calls waiting for a handler slot; when it is full the server stops reading every connection
   * until the queue is down to half.
   * @default 10000
   */
  maxQueue?: number;
  /**
   * What a peer's FIN (it shut down its sending side) means. `false`: the peer is gone, as
   * Node's HTTP server assumes: its calls in flight are aborted (`ctx.signal`) and never answered,
   * answers already made are flushed, and the connection is closed. `true`: the peer only finished
   * sending: its calls in flight are still answered, then the connection is closed; a peer that
   * really vanished is then only noticed when an answer is written to it.
   * @default false
   */
  allowHalfOpen?: boolean;
  /**
   * Milliseconds `close()` waits before it aborts handlers and destroys sockets: an integer from 0
   * (at once) to 2^31 - 1, or `Infinity` to wait forever.
   * @default 30000
   */
  closeTimeout?: number;
  /**
   * More JSON Schema string formats for params schemas (`{ 'order-id': /^ord_\w+$/ }` or a
   * predicate), added to the built-in ones (`email`, `date-time`, `uuid`, `uri`… from ajv-formats);
   * see @rerpc/registry's README.
   * @default {} (the built-in formats only)
   */
  formats?: Record<string, StringFormat>;
  /**
   * Send a thrown non-`RpcError`'s message as the -32603 error's `data`. Off by default so internal
   * details never leak (Go rerpc sends it; see the README).
   * @default false
   */
  exposeErrors?: boolean;
  /**
   * Called with every error a handler throws or rejects with that is not an `RpcError` (including
   * those of notifications, which are never answered), and with every result that could not be
   * serialised. For logging; it must not throw. `'log'` writes each distinct method and error
   * class once to stderr (`console.error`, stack included); `null` reports nothing.
   * @default 'log'
   */
  onHandlerError?: HandlerErrorListener | 'log' | null;
  /**
   * Milliseconds a call to the peer (`ctx.peer.call()`) waits for its answer before it rejects
   * with `PeerTimeoutError`, unless the call sets its own `timeout`. 0 waits forever.
   * @default 30000
   */
  peerCallTimeout?: number;
  /**
   * Calls to one peer waiting for an answer at once; a further `ctx.peer.call()` rejects with
   * `TooManyPeerCallsError` and is not sent.
   * @default 1000
   */
  maxPeerCalls?: number;
  /**
   * The notification that cancels a call on the same connection. A name: LSP-style, params
   * `{ id }` name the call; it is answered -32800 "Request cancelled" (if not answered yet) and
   * its `ctx.signal` aborts with `RequestCancelledError`. A {@link CancelNotification} names the
   * id's params member and whether to answer (MCP: `{ method: 'notifications/cancelled',
   * idParam: 'requestId', answer: false }`). `null` turns cancellation off (the name is then an
   * ordinary method name).
   * @default '$/cancelRequest'
   */
  cancelMethod?: string | CancelNotification | null;
  /**
   * Subscriptions one connection may have open; a further `<name>_subscribe` is answered -32004.
   * @default 1024
   */
  maxSubscriptionsPerConnection?: number;
  /**
   * Events one subscription may hold unsent (before its subscribe reply is written, or while the
   * connection's write buffer is full); past it `sink.send()` rejects with
   * `SubscriptionOverflowError` and `sink.trySend()` returns false.
   * @default 1000
   */
  maxSubscriptionBuffer?: number;
  /**
   * Bytes (UTF-16 units of JSON text) of events one subscription may hold unsent, as
   * `maxSubscriptionBuffer`.
   * @default 1048576 (1 MiB)
   */
  maxSubscriptionBufferBytes?: number;
  /**
   * Called with each new persistent connection's peer (TCP, TLS, Unix, WebSocket, served streams)
   * before any of its messages is dispatched (they wait, reading paused). Return or resolve
   * `false` to refuse it (it is dropped); set `peer.state` (an identity) for the handlers. A throw
   * or rejection refuses it too and is reported like a handler's error (`onHandlerError`).
   * @default null
   */
  onConnection?: ConnectionListener | null;
  /**
   * A method a load balancer can probe over any transport: it answers `{"status":"ok"}` while
   * the server serves; once `close()` begins it is answered -32002 like every request (and new
   * connections are refused), so the server turns unhealthy as soon as it starts draining. Names
   * starting with `rpc.` (reserved for the implementation) are allowed here: `'rpc.health'`.
   * `null` registers none.
   * @default null
   */
  healthMethod?: string | null;
  /**
   * Answer `rpc.discover` with the OpenRPC 1.3 document of every registered method (params and
   * result schemas, summaries, descriptions, examples, declared errors), built on first use and
   * rebuilt after a registration. `true` uses a placeholder `info`; give yours as
   * `{ info: { title, version, description? } }`.
   * @default false
   */
  discover?: boolean | DiscoverOptions;
}

/** Options after validation: every field set. */
export interface ResolvedServerOptions {
  readonly framing: Framing;
  readonly maxMessageBytes: number;
  readonly maxBatchLength: number;
  readonly maxConnections: number;
  readonly maxInFlightPerConnection: number;
  readonly idleTimeout: number;
  readonly handlerTimeout: number;
  readonly maxWriteBufferBytes: number;
  readonly concurrency: number;
  readonly maxRunningPerConnection: number;
  readonly maxDepth: number;
  readonly maxQueue: number;
  readonly allowHalfOpen: boolean;
  readonly closeTimeout: number;
  readonly closeGrace: number;
  readonly formats: Readonly<Record<string, StringFormat>>;
  readonly exposeErrors: boolean;
  readonly onHandlerError: HandlerErrorListener | 'log' | null;
  readonly peerCallTimeout: number;
  readonly maxPeerCalls: number;
  readonly cancelMethod: ResolvedCancelMethod;
  readonly maxSubscriptionsPerConnection: number;
  readonly maxSubscriptionBuffer: number;
  readonly maxSubscriptionBufferBytes: number;
  readonly onConnection: ConnectionListener | null;
  readonly healthMethod: string | null;
  readonly discover: ResolvedDiscover;
}

/** The server's defaults, one frozen object; the README's Options table is held to it by a test. */
export const DEFAULTS: ResolvedServerOptions = Object.freeze({
  framing: 'ndjson',
  maxMessageBytes: 1_048_576,
  maxBatchLength: 1000,
  maxConnections: 10_000,
  maxInFlightPerConnection: 1000,
  idleTimeout: 300_000,
  handlerTimeout: 30_000,
  maxWriteBufferBytes: 16_777_216,
  concurrency: 100,
  maxRunningPerConnection: 50,
  maxDepth: 128,
  maxQueue: 10_000,
  allowHalfOpen: false,
  closeTimeout: 30_000,
  closeGrace: 250,
  formats: Object.freeze({}),
  exposeErrors: false,
  onHandlerError: 'log',
  peerCallTimeout: 30_000,
  maxPeerCalls: 1000,
  cancelMethod: '$/cancelRequest',
  maxSubscriptionsPerConnection: 1024,
  maxSubscriptionBuffer: 1000,
  maxSubscriptionBufferBytes: 1_048_576,
  onConnection: null,
  healthMethod: null,
  discover: false,
});

const KNOWN = Object.keys(DEFAULTS);

type IntegerOption =
  | 'maxMessageBytes'
  | 'maxBatchLength'
  | 'maxConnections'
  | 'maxInFlightPerConnection'
  | 'maxWriteBufferBytes'
  | 'maxDepth'
  | 'maxQueue'
  | 'maxPeerCalls'
  | 'maxSubscriptionsPerConnection'
  | 'maxSubscriptionBuffer'
  | 'maxSubscriptionBufferBytes';
type TimeOption =
  | 'idleTimeout'
  | 'handlerTimeout'
  | 'closeTimeout'
  | 'closeGrace'
  | 'peerCallTimeout';

/** Validates `options` and fills in the defaults; throws a TypeError naming option, rule and value. */
export function resolveServerOptions(options: ServerOptions | undefined): ResolvedServerOptions {
  if (options === undefined) return DEFAULTS;
  checkOptions(options, KNOWN, 'createServer() options');
  const framing = options.framing ?? DEFAULTS.framing;
  if (framing !== 'ndjson' && framing !== 'content-length') {
    throw optionError(`framing must be 'ndjson' or 'content-length', got ${describe(framing)}`);
  }
  const exposeErrors = checkBoolean('exposeErrors', options.exposeErrors ?? DEFAULTS.exposeErrors);
  const allowHalfOpen = checkBoolean(
    'allowHalfOpen',
    options.allowHalfOpen ?? DEFAULTS.allowHalfOpen,
  );
  const onHandlerError =
    options.onHandlerError === undefined ? DEFAULTS.onHandlerError : options.onHandlerError;
  if (onHandlerError !== null && onHandlerError !== 'log' && typeof onHandlerError !== 'function') {
    throw optionError(
      `onHandlerError must be a function, 'log' or null, got ${describe(onHandlerError)}`,
    );
  }
  const cancelMethod =
    options.cancelMethod === undefined
      ? DEFAULTS.cancelMethod
      : resolveCancelMethod(options.cancelMethod);
  const concurrency = checkInteger('concurrency', options.concurrency ?? DEFAULTS.concurrency, 1);
  const maxRunningPerConnection =
    options.maxRunningPerConnection === undefined
      ? Math.max(1, concurrency >>> 1)
      : checkInteger('maxRunningPerConnection', options.maxRunningPerConnection, 1);
  if (maxRunningPerConnection > concurrency) {
    throw optionError(
      `maxRunningPerConnection must be <= concurrency (${concurrency}${options.concurrency === undefined ? ', the default' : ''}), got ${maxRunningPerConnection}; raise concurrency too`,
    );
  }
  const integer = (name: IntegerOption, min: number): number =>
    checkInteger(name, options[name] ?? DEFAULTS[name], min);
  const time = (name: TimeOption, forever = false): number =>
    checkTime(name, options[name] ?? DEFAULTS[name], forever);
  return Object.freeze({
    framing,
    maxMessageBytes: integer('maxMessageBytes', 1),
    maxBatchLength: integer('maxBatchLength', 1),
    maxConnections: integer('maxConnections', 1),
    maxInFlightPerConnection: integer('maxInFlightPerConnection', 1),
    idleTimeout: time('idleTimeout'),
    handlerTimeout: time('handlerTimeout'),
    maxWriteBufferBytes: integer('maxWriteBufferBytes', 1),
    concurrency,
    maxRunningPerConnection,
    maxDepth: integer('maxDepth', 1),
    maxQueue: integer('maxQueue', 0),
    allowHalfOpen,
    closeTimeout: time('closeTimeout', true),
    closeGrace: time('closeGrace'),
    // Checked by createRegistry() when the server is made.
    formats: options.formats ?? DEFAULTS.formats,
    exposeErrors,
    onHandlerError,
    peerCallTimeout: time('peerCallTimeout'),
    maxPeerCalls: integer('maxPeerCalls', 1),
    cancelMethod,
    maxSubscriptionsPerConnection: integer('maxSubscriptionsPerConnection', 1),
    maxSubscriptionBuffer: integer('maxSubscriptionBuffer', 1),
    maxSubscriptionBufferBytes: integer('maxSubscriptionBufferBytes', 1),
    onConnection: checkFunctionOrNull<ConnectionListener>('onConnection', options.onConnection),
    healthMethod: checkHealthMethod(options.healthMethod),
    discover: resolveDiscover(options.discover),
  });
}
