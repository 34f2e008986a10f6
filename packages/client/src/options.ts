import type { Framing } from '@rerpc/codec';
import {
  checkInteger,
  checkOptions,
  checkTime,
  describe,
  optionError,
  resolveCancelMethod,
} from '@rerpc/internal';
import type { HandlerContext } from './inbound-call.js';
import { type ClientTlsOptions, checkTls } from './tls.js';

/**
 * Options of {@link createClient}: Go rerpc's `ClientConfig` names where they exist. Times are in
 * milliseconds.
 */
export interface ClientOptions extends BrowserClientOptions {
  /**
   * How JSON texts are delimited: `'ndjson'` (the Go rerpc wire format) or `'content-length'`.
   * @default 'ndjson'
   */
  framing?: Framing;
  /**
   * TLS options (`ca`, `cert`, `key`, `rejectUnauthorized`, `servername`…, as `tls.connect()`
   * takes them) for `https://`, `wss://` and `tls://` targets; given with a `{ host, port }` or
   * `{ path }` target, it turns TLS on there too. null: TLS (where the target asks for it) with
   * the system's CAs.
   * @default null
   */
  tls?: ClientTlsOptions | null;
}

/**
 * The options every entry takes: all of {@link ClientOptions} but `framing` and `tls`, which
 * `@rerpc/client/browser` has no use for (HTTP and WebSocket frame their messages; the browser
 * checks certificates itself). Its own type, so its declarations need no Node types.
 */
export interface BrowserClientOptions {
  /**
   * Connections kept open while no call uses them (in the pool, for reuse); a connection unused
   * for about a second goes back to the pool, which closes it if `maxIdle` are already idle.
   * 0 keeps none. Go rerpc's `MaxIdle`.
   * @default 10
   */
  maxIdle?: number;
  /**
   * Connections that may be open (or being dialled) at once. Calls share connections, so this
   * is not a cap on calls in flight. Go rerpc's `MaxActive`.
   * @default 100
   */
  maxActive?: number;
  /**
   * Calls in flight on every open connection at which another connection is dialled (up to
   * `maxActive`); below it, calls share the least-loaded connection. Not a cap: at `maxActive`
   * calls still go to the least-loaded connection.
   * @default 100
   */
  pipelineThreshold?: number;
  /**
   * How long dialling one connection may take before that attempt fails (and may be retried).
   * 0 disables (the OS limit applies). Go rerpc's `DialTimeout`.
   * @default 5000
   */
  dialTimeout?: number;
  /**
   * How long an idle connection is kept in the pool before it is closed. 0 disables. Go rerpc's
   * `IdleTimeout`.
   * @default 300000
   */
  idleTimeout?: number;
  /**
   * A call's whole deadline, retries and waiting for a connection included; each call may set
   * its own. 0 disables. Go rerpc's `Timeout`.
   * @default 30000
   */
  timeout?: number;
  /**
   * Retries of one call after its first attempt, made only when the call provably did not run
   * (dial failed, or the connection was lost before its request was written) or it is marked
   * `idempotent`. 0 disables. Go rerpc's `MaxRetries`.
   * @default 3
   */
  maxRetries?: number;
  /**
   * Backoff before the first retry; it doubles for each further retry, up to `maxRetryDelay`,
   * with jitter (each delay is drawn from [d/2, d)). Go rerpc's `RetryDelay`.
   * @default 50
   */
  retryDelay?: number;
  /** Longest backoff between two retries. @default 1000 */
  maxRetryDelay?: number;
  /**
   * Largest response frame accepted, in bytes; a larger one closes its connection (its calls
   * fail with `ConnectionError`).
   * @default 1048576
   */
  maxMessageBytes?: number;
  /**
   * How long `close()` waits for calls in flight before it rejects them; `Infinity` waits
   * however long they take.
   * @default 30000
   */
  closeTimeout?: number;
  /**
   * HTTP and WebSocket targets: calls and notifications made in the same tick go out together
   * as one JSON-RPC batch (one POST, or one WebSocket message) of up to this many items; each
   * caller still gets its own result or error, once the server has answered the whole batch. A
   * `batch()` still goes out as it is. 0 disables: one POST or message per call.
   * @default 0
   */
  autoBatch?: number;
  /**
   * HTTP headers sent with every POST (`http(s)://`) or WebSocket upgrade (`ws(s)://`), e.g.
   * `{ authorization: 'Bearer …' }`; null sends none beyond the client's own. Not for TCP.
   * @default null
   */
  headers?: Record<string, string> | null;
  /**
   * Calls from the server (to methods registered with `client.method()` / `register()`) that may
   * run at once on one connection; more are answered -32003 "Too many requests" without running.
   * @default 100
   */
  maxHandlersPerLink?: number;
  /**
   * How long a handler of a call from the server may take: past it the server is answered -32001
   * "Handler timed out" and the handler's `ctx.signal` aborts. 0 disables.
   * @default 30000
   */
  handlerTimeout?: number;
  /**
   * The notification sent, with params `{ id }`, when a call written to a connection times out or
   * is aborted before its answer (and the one that cancels a call the server made to this
   * client). null sends none. Unset, it is `'$/cancelRequest'` (LSP's) with Content-Length
   * framing, and null with NDJSON (the Go rerpc wire has none); a string turns it on for any.
   * `{ method, idParam?, answer? }` names the params member holding the id (default `'id'`) and
   * whether a call the server cancels is still answered -32800 (default true); MCP's is
   * `{ method: 'notifications/cancelled', idParam: 'requestId', answer: false }`.
   * @default null (NDJSON); '$/cancelRequest' (Content-Length)
   */
  cancelMethod?: string | { method: string; idParam?: string; answer?: boolean } | null;
  /**
   * Called with what a handler of a call from the server (`client.method()`, `register()`) throws
   * or rejects with when it is not an `RpcError` (the server is answered -32603), with a result
   * that cannot be encoded, and with what an `onNotification()` handler throws or rejects with.
   * `'log'` writes each distinct method and error class once to stderr (with the stack); `null`
   * silences. The same contract as @rerpc/server's `onHandlerError`.
   * @default 'log'
   */
  onHandlerError?: HandlerErrorListener | 'log' | null;
}

/** What `onHandlerError` takes: a listener, `'log'` (the default) or `null` (silence). */
export type HandlerErrorListener = (error: unknown, ctx: HandlerContext) => void;

/** The resolved options, every field set. */
export interface ResolvedClientOptions extends ResolvedBrowserOptions {
  readonly framing: Framing;
  readonly tls: Readonly<ClientTlsOptions> | null;
}

/** {@link BrowserClientOptions} resolved (the browser entry's `DEFAULTS`). */
export interface ResolvedBrowserOptions {
  readonly maxIdle: number;
  readonly maxActive: number;
  readonly pipelineThreshold: number;
  readonly dialTimeout: number;
  readonly idleTimeout: number;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly retryDelay: number;
  readonly maxRetryDelay: number;
  readonly maxMessageBytes: number;
  readonly closeTimeout: number;
  readonly autoBatch: number;
  readonly headers: Readonly<Record<string, string>> | null;
  readonly maxHandlersPerLink: number;
  readonly handlerTimeout: number;
  readonly cancelMethod: ResolvedCancelMethod;
  readonly onHandlerError: HandlerErrorListener | 'log' | null;
}

/** The `cancelMethod` option resolved: a name (params `{ id }`, answered), the object form, or off. */
export type ResolvedCancelMethod =
  | string
  | Readonly<{
      method: string;
      idParam: string;
      answer: boolean;
    }>
  | null;

/** LSP's cancellation notification, the default `cancelMethod` with Content-Length framing. */
export const LSP_CANCEL = '$/cancelRequest';

/** The client's defaults, one frozen object; the README's Options table is held to it by a test. */
export const DEFAULTS: ResolvedClientOptions = Object.freeze({
  maxIdle: 10,
  maxActive: 100,
  pipelineThreshold: 100,
  dialTimeout: 5_000,
  idleTimeout: 300_000,
  timeout: 30_000,
  maxRetries: 3,
  retryDelay: 50,
  maxRetryDelay: 1_000,
  framing: 'ndjson',
  maxMessageBytes: 1_048_576,
  closeTimeout: 30_000,
  autoBatch: 0,
  tls: null,
  headers: null,
  maxHandlersPerLink: 100,
  handlerTimeout: 30_000,
  cancelMethod: null,
  onHandlerError: 'log',
});

/** The names {@link createClient} accepts as options. */
const CLIENT_OPTIONS: readonly string[] = Object.keys(DEFAULTS);
/**
 * Validates `options` and fills in the defaults; throws a TypeError (code
 * `RERPC_ERR_INVALID_OPTION`) naming option, rule and value, or the unknown option.
 */
export function resolveClientOptions(
  given: ClientOptions | undefined,
  framingDefault: Framing = DEFAULTS.framing,
): ResolvedClientOptions {
  const checked = checkOptions(given, CLIENT_OPTIONS, 'createClient() options');
  // Stryker disable next-line ConditionalExpression: (false) a fast path: what it resolves from no options equals DEFAULTS, frozen too
  if (checked === undefined && framingDefault === DEFAULTS.framing) return DEFAULTS;
  const options: ClientOptions = checked ?? {};
  const pick = <K extends keyof ResolvedClientOptions>(key: K): unknown =>
    options[key] ?? DEFAULTS[key];
  const framing = options.framing ?? framingDefault;
  if (framing !== 'ndjson' && framing !== 'content-length') {
    throw optionError(`framing must be 'ndjson' or 'content-length', got ${describe(framing)}`);
  }
  const resolved: ResolvedClientOptions = {
    maxIdle: checkInteger('maxIdle', pick('maxIdle'), 0),
    maxActive: checkInteger('maxActive', pick('maxActive'), 1),
    pipelineThreshold: checkInteger('pipelineThreshold', pick('pipelineThreshold'), 1),
    dialTimeout: checkTime('dialTimeout', pick('dialTimeout')),
    idleTimeout: checkTime('idleTimeout', pick('idleTimeout')),
    timeout: checkTime('timeout', pick('timeout')),
    maxRetries: checkInteger('maxRetries', pick('maxRetries'), 0),
    retryDelay: checkTime('retryDelay', pick('retryDelay')),
    maxRetryDelay: checkTime('maxRetryDelay', pick('maxRetryDelay')),
    framing,
    maxMessageBytes: checkInteger('maxMessageBytes', pick('maxMessageBytes'), 1),
    closeTimeout: checkTime('closeTimeout', pick('closeTimeout'), true),
    autoBatch: checkInteger('autoBatch', pick('autoBatch'), 0),
    tls: checkTls(options.tls),
    headers: checkHeaders(options.headers),
    maxHandlersPerLink: checkInteger('maxHandlersPerLink', pick('maxHandlersPerLink'), 1),
    handlerTimeout: checkTime('handlerTimeout', pick('handlerTimeout')),
    cancelMethod: checkCancelMethod(options.cancelMethod, framing),
    onHandlerError: checkHandlerErrorListener(options.onHandlerError),
  };
  if (resolved.maxRetryDelay < resolved.retryDelay) throw retryDelayError(options, resolved);
  return Object.freeze(resolved);
}

/**
 * maxRetryDelay < retryDelay: the message blames the option the user set, and says when the other
 * is a default and what to set with it.
 */
function retryDelayError(options: ClientOptions, resolved: ResolvedClientOptions): TypeError {
  const { retryDelay, maxRetryDelay } = resolved;
  if (options.maxRetryDelay == null) {
    return optionError(
      `retryDelay must be <= maxRetryDelay, which is ${maxRetryDelay} by default, got ${retryDelay}; set maxRetryDelay too (e.g. { retryDelay: ${retryDelay}, maxRetryDelay: ${retryDelay} })`,
    );
  }
  if (options.retryDelay == null) {
    return optionError(
      `maxRetryDelay must be >= retryDelay, which is ${retryDelay} by default, got ${maxRetryDelay}; set retryDelay too (e.g. { retryDelay: ${maxRetryDelay}, maxRetryDelay: ${maxRetryDelay} })`,
    );
  }
  return optionError(`maxRetryDelay must be >= retryDelay (${retryDelay}), got ${maxRetryDelay}`);
}

/** The `cancelMethod` option: a non-empty string, the object form, null, or unset (by framing). */
function checkCancelMethod(value: unknown, framing: Framing): ResolvedCancelMethod {
  if (value === undefined) return framing === 'content-length' ? LSP_CANCEL : null;
  return resolveCancelMethod(value);
}

/** The `onHandlerError` option: a function, `'log'` or null; unset, `'log'`. */
function checkHandlerErrorListener(value: unknown): HandlerErrorListener | 'log' | null {
  if (value === undefined) return DEFAULTS.onHandlerError;
  if (value === null || value === 'log' || typeof value === 'function') {
    return value as HandlerErrorListener | 'log' | null;
  }
  throw optionError(`onHandlerError must be a function, 'log' or null, got ${describe(value)}`);
}

/** Validates the `headers` option: null, or an object of string values; returns a frozen copy. */
function checkHeaders(value: unknown): Readonly<Record<string, string>> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw optionError(`headers must be an object of strings, got ${describe(value)}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (typeof text !== 'string') {
      throw optionError(`headers.${name} must be a string, got ${describe(text)}`);
    }
    headers[name.toLowerCase()] = text;
  }
  return Object.freeze(headers);
}
