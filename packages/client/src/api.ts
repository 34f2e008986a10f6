import type { MethodOptions, RegisterOptions } from '@rerpc/registry';
import type { BatchItem, BatchResult } from './batch.js';
import type { HandlerContext } from './inbound-call.js';
import type { CallOptions, ServiceProxy } from './proxy.js';
import type { ClientStats } from './stats.js';
import type { SubscribeOptions } from './subscription.js';

/** Options of {@link Client.close}. */
export interface CloseOptions {
  /**
   * Milliseconds to wait for calls in flight; past it they reject with `ClientClosedError`.
   * 0 rejects them at once; `Infinity` waits for them however long they take.
   * @default the client's closeTimeout (30000)
   */
  timeout?: number;
}

/** A pooled, multiplexed JSON-RPC 2.0 client: see {@link createClient}. */
export interface Client extends BrowserClient {
  /**
   * Answers the server's calls to `name` on any persistent connection (TCP, TLS, Unix,
   * WebSocket) with `handler(params, ctx)`'s result (or promise); a thrown `RpcError` is answered
   * as it is, anything else -32603. `options.params` (a JSON Schema) answers -32602 on a mismatch;
   * `options.result` compiles the result's encoder. Names follow @rerpc/registry's rules. Over
   * HTTP nothing can arrive: each answer ends its exchange. Throws `RegistrationError` for a
   * refused or duplicate name.
   */
  method<P = never>(
    name: string,
    handler: (params: P, ctx: HandlerContext) => unknown,
    options?: MethodOptions,
  ): void;
  /**
   * Registers an instance's methods as `Name.method` (as @rerpc/server's `register()`); returns
   * the names registered.
   */
  register(instance: object, options?: RegisterOptions): string[];
}

/**
 * The client as `@rerpc/client/browser` makes it: all of {@link Client} but `method()` and
 * `register()` (answering the server's calls needs @rerpc/registry, which the browser entry
 * leaves out). Its own type, so its declarations need no Node types.
 */
export interface BrowserClient {
  /**
   * Calls `method` and resolves with the result. Rejects with `RpcError` (the server answered
   * with an error), `TimeoutError`, `ConnectionError`, `PoolExhaustedError`, `AbortError`,
   * `ClientClosedError`, or `TypeError` for a non-string method or params that are not an
   * array or an object. Never throws synchronously.
   */
  call<T = unknown>(method: string, params?: object, options?: CallOptions): Promise<T>;
  /**
   * Sends a notification (no id, no answer); resolves once it was written to a socket. Rejects as
   * `call()` does (never with `RpcError`).
   */
  notify(method: string, params?: object, options?: CallOptions): Promise<void>;
  /**
   * Sends the items as one JSON-RPC batch (one array on the wire) and resolves with their
   * outcomes aligned with `items`: `{ ok: true, value }` or `{ ok: false, error: RpcError }` per
   * request, `undefined` per notification. An all-notification batch resolves once written. The
   * batch as a whole rejects like `call()` (timeout, connection...). An empty batch rejects with
   * `TypeError`.
   */
  batch(
    items: readonly BatchItem[],
    options?: CallOptions,
  ): Promise<Array<BatchResult | undefined>>;
  /** A typed proxy: `client.service<Arith>('ArithService').Add({ a: 1, b: 2 })`. */
  service<T>(name: string): ServiceProxy<T>;
  /**
   * Subscribes (geth / jsonrpsee shape): calls `<name>_subscribe` with `params`, then yields the
   * `result` of each notification `<name>_subscription` (or `options.notification`) whose
   * `params.subscription` is the id it answered, in order. Leaving the loop or aborting
   * `options.signal` calls `<name>_unsubscribe` [id]. Ends with `SubscriptionLostError` when the
   * connection is lost (unless `resubscribe`), `SubscriptionOverflowError` past `maxBuffered`
   * untaken events, `ClientClosedError` at close(), or the subscribe call's error. Throws
   * `TypeError` for a bad name, params or option, and for an `http(s)://` target.
   */
  subscribe<T = unknown>(
    name: string,
    params?: object,
    options?: SubscribeOptions,
  ): AsyncIterableIterator<T, undefined>;
  /**
   * Runs `handler(params, ctx)` for each notification `name` the server sends (its result is
   * ignored, a throw or rejection dropped); replaces one set before. Returns a function that
   * removes it. Throws `TypeError` for an empty name or a handler that is not a function.
   */
  onNotification<P = never>(
    name: string,
    handler: (params: P, ctx: HandlerContext) => unknown,
  ): () => void;
  /** Counters and gauges, as a new object. */
  stats(): ClientStats;
  /**
   * Stops taking calls (they reject with `ClientClosedError`), waits for those in flight (up to
   * `timeout`, then rejects them with `ClientClosedError`), then closes every connection. Never
   * rejects (an invalid `timeout` rejects with `TypeError` and does not close). Idempotent.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}
