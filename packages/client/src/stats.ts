import { Histogram } from '@rerpc/internal';

/** A snapshot of the client, from {@link Client.stats}. Latencies are in milliseconds. */
export interface ClientStats {
  /** Calls, notifications and batches not settled yet: in flight, waiting or backing off. */
  pending: number;
  /** Per server of an endpoints target (`{ endpoints }` or `{ resolver }`); null for one server. */
  endpoints: EndpointStats[] | null;
  connections: {
    /** Open connections carrying calls. */
    active: number;
    /** Open connections parked in the pool, unused. */
    idle: number;
    /** Dials in progress. */
    dialling: number;
    /** Connections dialled since the client was made. */
    dialled: number;
    /** Dials that failed. */
    dialErrors: number;
  };
  /** Calls, notifications and batches settled (either way) since the client was made. */
  settled: number;
  /** Attempts retried. */
  retries: number;
  /** Calls that failed, by the error they failed with. */
  errors: {
    /** `RpcError`: the server answered with an error (batch items not counted). */
    rpc: number;
    /** `TimeoutError`. */
    timeout: number;
    /** `ConnectionError`. */
    connection: number;
    /** `PoolExhaustedError`. */
    poolExhausted: number;
    /** `AbortError`. */
    aborted: number;
    /** `ClientClosedError`. */
    closed: number;
    /** `HttpStatusError`. */
    http: number;
  };
  /**
   * Answers dropped: an unknown, null or non-number id (a late answer to a call that timed out
   * or was aborted, a Go server's answer to a notification), or a frame that was not JSON.
   */
  dropped: number;
  /** Round-trip time of answered calls and batches (from call() to the answer's arrival). */
  latency: { count: number; p50: number; p90: number; p99: number };
  /**
   * `cancelMethod` notifications sent (one per id of a call given up on after it was written),
   * so the server could stop its handler.
   */
  cancelsSent: number;
  /** Calls and notifications from the server to the handlers this client registered. */
  inbound: InboundStats;
  /** The client's subscriptions (`subscribe()`). */
  subscriptions: SubscriptionStats;
}

/** Calls from the server, in {@link ClientStats}; each request is counted once by its outcome. */
export interface InboundStats {
  /** Handlers running now. */
  running: number;
  /** Answered with the handler's result. */
  answered: number;
  /** Answered with the handler's error (a non-`RpcError` as -32603, reported to `onHandlerError`). */
  failed: number;
  /** Answered -32001: the handler ran past `handlerTimeout`. */
  timedOut: number;
  /** Answered -32800: the server cancelled the call (`cancelMethod`). */
  cancelled: number;
  /** Answered -32003 without running: `maxHandlersPerLink` handlers were running on the connection. */
  refused: number;
  /** Answered without running: not a valid request, an unknown method, an id in use, bad params. */
  invalid: number;
  /** Notifications handed to an `onNotification()` handler (or a method of that name). */
  notifications: number;
}

/** The client's subscriptions, in {@link ClientStats}. */
export interface SubscriptionStats {
  /** Subscriptions not ended (opening, open, or resubscribing). */
  active: number;
  /** Times a `<name>_subscribe` call was answered with an id (resubscribes included). */
  opened: number;
  /** Events received for a subscription. */
  events: number;
  /** Subscriptions ended with `SubscriptionOverflowError` (`maxBuffered` events not taken). */
  overflowed: number;
  /** Times a subscription's connection was lost (it then resubscribed or ended). */
  lost: number;
}

/** What the client's own calls report; the peer side adds `inbound` and `subscriptions`. */
export type CallingStats = Omit<ClientStats, 'inbound' | 'subscriptions'>;

/** One server of an endpoints target, in {@link ClientStats}. */
export interface EndpointStats {
  /** `host:port` (or the URL). */
  address: string;
  /** `'up'`; `'ejected'` after failures; `'draining'` after its server said it is shutting down. */
  state: 'up' | 'ejected' | 'draining';
  /** Calls holding a link to it now (an open subscription counts). */
  inFlight: number;
  /** Calls sent to it. */
  calls: number;
  /** Connect and reset failures (and failed probes). */
  failures: number;
  /** Times ejected. */
  ejections: number;
  /** While out: when it is probed again (`Date.now()` scale, ms); else null. */
  ejectedUntil: number | null;
  /** Times the picker chose it. */
  picks: number;
}

/** The connections part of {@link ClientStats}. */
export type ConnectionStats = ClientStats['connections'];

/** The client's counters of settled calls; the connection set counts its own. */
export class CallCounters {
  settled = 0;
  retries = 0;
  dropped = 0;
  private readonly errors = {
    rpc: 0,
    timeout: 0,
    connection: 0,
    poolExhausted: 0,
    aborted: 0,
    closed: 0,
    http: 0,
  };
  private readonly histogram = new Histogram();

  /** An answered call or batch took `ms` from call() to its answer. */
  answered(ms: number): void {
    this.histogram.record(ms * 1000);
  }

  /** A call failed with `error`: counted by its code (an `RpcError`'s is a number). */
  failed(error: unknown): void {
    // Stryker disable next-line OptionalChaining: a guard: no call is failed with null
    const code = (error as { code?: unknown } | null)?.code;
    const e = this.errors;
    if (typeof code === 'number') e.rpc += 1;
    else if (code === 'RERPC_ERR_TIMEOUT') e.timeout += 1;
    else if (code === 'RERPC_ERR_CONNECTION') e.connection += 1;
    else if (code === 'RERPC_ERR_POOL_EXHAUSTED') e.poolExhausted += 1;
    else if (code === 'RERPC_ERR_ABORTED') e.aborted += 1;
    else if (code === 'RERPC_ERR_CLIENT_CLOSED') e.closed += 1;
    // Stryker disable next-line ConditionalExpression: the last kind: no call fails with another code
    else if (code === 'RERPC_ERR_HTTP_STATUS') e.http += 1;
  }

  snapshot(
    pending: number,
    connections: ConnectionStats,
    cancelsSent: number,
    endpoints: EndpointStats[] | null,
  ): CallingStats {
    return {
      endpoints,
      pending,
      connections,
      settled: this.settled,
      retries: this.retries,
      errors: { ...this.errors },
      dropped: this.dropped,
      latency: this.histogram.summary(),
      cancelsSent,
    };
  }
}
