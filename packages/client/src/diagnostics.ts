// What the client publishes for diagnostics, and how the core reaches it without importing
// node:diagnostics_channel (which the browser entry leaves out): the Node entry passes the
// channels in (Platform.tracer, setLinkEvents()); a browser passes none and publishes nothing.

/** The context of `tracingChannel('rerpc:client:call')`: one object per call, the same at every event. */
export interface ClientCallTrace {
  /** The method; `'batch'` for a batch. */
  readonly method: string;
  /**
   * The params (a batch's items). A `start` subscriber may replace them for a call, a
   * subscription or a notification (not a batch): the request is encoded after `start`, from this
   * field (`@rerpc/otel` adds `_meta.traceparent` this way).
   */
  params: unknown;
  /** `'call'`, `'notify'`, `'batch'` or `'subscribe'`. */
  readonly kind: ClientCallKind;
  /** The server (`host:port`, the socket path or the URL). */
  readonly target: string;
  /** The request's id (a batch's first) once encoded; `null` for a notification or before. */
  id: number | null;
  /** What the call resolved with (set before `asyncStart`). */
  result: unknown;
  /** What it rejected with (set before `error`): an `RpcError` carries the answer's `code`. */
  error: unknown;
}

export type ClientCallKind = 'call' | 'notify' | 'batch' | 'subscribe';

/** `rerpc:client:connection:open` and `rerpc:client:connection:close`. */
export interface ClientConnectionMessage {
  /** `'tcp'`, `'tls'`, `'unix'`, `'ws'`, `'wss'` or `'stream'`. */
  readonly transport: string;
  /** The server's address (`host:port`, the socket path or the URL). */
  readonly address: string;
}

/**
 * `rerpc:client:endpoint:eject` (an endpoint of a several-server client is taken out: `'ejected'`
 * after failures, `'draining'` after its server said it is shutting down) and
 * `rerpc:client:endpoint:return` (it is back, `'up'`, after a successful probe).
 */
export interface ClientEndpointMessage {
  /** The endpoint (`host:port`, the socket path or the URL). */
  readonly address: string;
  /** `'ejected'` or `'draining'` (eject); `'up'` (return). */
  readonly state: 'up' | 'ejected' | 'draining';
  /** When it is probed next (ms since the epoch, the client's clock); null on return. */
  readonly until: number | null;
  /** How many times it was ejected so far (draining does not count). */
  readonly ejections: number;
}

/** The part of Node's `TracingChannel` the client uses (structural, so the core needs no node types). */
export interface CallTracer {
  readonly hasSubscribers: boolean;
  tracePromise<This, Args extends unknown[]>(
    fn: (this: This, ...args: Args) => Promise<unknown>,
    context: ClientCallTrace,
    thisArg: This,
    ...args: Args
  ): Promise<unknown>;
}
