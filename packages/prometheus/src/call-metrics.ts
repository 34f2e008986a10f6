import { optionError } from '@rerpc/internal';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The `method` label of a request for a method the server does not have (bounded cardinality). */
export const OTHER_METHOD = '_OTHER';
/** The `code` label of a call answered with a result. */
export const OK = 'ok';

const SUFFIXES = ['started_total', 'handled_total', 'handling_seconds', 'in_flight', 'connections'];

/** Throws an option error when `registry` already has a metric of one of `names`. */
export function assertFree(registry: Registry, names: readonly string[]): void {
  for (const name of names) {
    if (registry.getSingleMetric(name) !== undefined) {
      throw optionError(
        `registry already has a metric named ${name}: close() the other createMetrics(), or pass another prefix or registry`,
      );
    }
  }
}

/**
 * One side's (server or client) five metrics, and what an event does to them. The channel
 * subscribers (`countServer()`, `countClient()`) turn their messages into these calls.
 */
export class CallMetrics {
  readonly side: 'server' | 'client';
  private readonly registry: Registry;
  private readonly startedTotal: Counter<'method'>;
  private readonly handledTotal: Counter<'method' | 'code'>;
  private readonly seconds: Histogram<'method'>;
  private readonly inFlight: Gauge;
  private readonly connections: Gauge<'transport'>;
  /** Calls started since subscribing and not finished: a call started before is not counted down. */
  private pending = 0;
  /** Connections opened since subscribing, by transport (as `pending`). */
  private readonly open = new Map<string, number>();

  constructor(
    registry: Registry,
    prefix: string,
    side: 'server' | 'client',
    buckets: readonly number[],
  ) {
    this.side = side;
    this.registry = registry;
    const name = (suffix: string): string => `${prefix}${side}_${suffix}`;
    // Checked before registering any, so a clash leaves nothing of this side behind.
    assertFree(
      registry,
      SUFFIXES.map((suffix) => name(suffix)),
    );
    const what = side === 'server' ? 'served by the server' : 'made by the client';
    const registers = [registry];
    this.startedTotal = new Counter({
      name: name('started_total'),
      help: `Calls and notifications ${what}, started.`,
      labelNames: ['method'],
      registers,
    });
    this.handledTotal = new Counter({
      name: name('handled_total'),
      help: `Calls and notifications ${what}, finished, by code (ok, the JSON-RPC error code, or the failure).`,
      labelNames: ['method', 'code'],
      registers,
    });
    this.seconds = new Histogram({
      name: name('handling_seconds'),
      help: `Seconds from the start of a call ${what} to its end.`,
      labelNames: ['method'],
      buckets: [...buckets],
      registers,
    });
    this.inFlight = new Gauge({
      name: name('in_flight'),
      help: `Calls ${what} started and not finished.`,
      registers,
    });
    this.connections = new Gauge({
      name: name('connections'),
      help: `Open connections of the ${side}, by transport.`,
      labelNames: ['transport'],
      registers,
    });
  }

  started(method: string): void {
    this.startedTotal.inc({ method });
    this.pending += 1;
    this.inFlight.set(this.pending);
  }

  finished(method: string, code: string, seconds: number): void {
    this.handledTotal.inc({ method, code });
    this.seconds.observe({ method }, seconds);
    if (this.pending > 0) {
      this.pending -= 1;
      this.inFlight.set(this.pending);
    }
  }

  opened(transport: string): void {
    const n = (this.open.get(transport) ?? 0) + 1;
    this.open.set(transport, n);
    this.connections.set({ transport }, n);
  }

  closed(transport: string): void {
    const n = this.open.get(transport) ?? 0;
    if (n === 0) return;
    this.open.set(transport, n - 1);
    this.connections.set({ transport }, n - 1);
  }

  /** Takes the metrics out of the registry. */
  remove(): void {
    for (const metric of [
      this.startedTotal,
      this.handledTotal,
      this.seconds,
      this.inFlight,
      this.connections,
    ]) {
      this.registry.removeSingleMetric((metric as unknown as { name: string }).name);
    }
  }
}
