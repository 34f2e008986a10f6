import cluster from 'node:cluster';
import { optionError } from '@rerpc/internal';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { CallMetrics } from './call-metrics.js';
import { countClient } from './client.js';
import { EndpointMetrics, type WatchedClient } from './endpoints.js';
import { type MetricsHandler, metricsHandler } from './handler.js';
import { type MetricsOptions, registryOf, resolveOptions } from './options.js';
import { countServer } from './server.js';

/** What {@link createMetrics} returns. */
export interface Metrics {
  /** The registry the metrics are in (the `registry` option, else prom-client's global `register`). */
  readonly registry: Registry;
  /** A node:http `'request'` listener serving `registry` (see `metricsHandler()`): mount it at `/metrics`. */
  readonly handler: MetricsHandler;
  /**
   * Reads a balancing client's endpoints (`client.stats().endpoints`) at each scrape, into
   * `*_client_endpoint_ejections_total{address}` and `*_client_endpoints{state}`; returns what
   * stops it (its ejections stay counted). Throws a `TypeError` (`RERPC_ERR_INVALID_OPTION`) for
   * something that is not a client, or when made with `client: false`.
   */
  watch(client: WatchedClient): () => void;
  /** Stops counting (unsubscribes) and takes the metrics out of the registry. Idempotent. */
  close(): void;
  [Symbol.dispose](): void;
}

/**
 * Registers Prometheus metrics for every `@rerpc/server` and `@rerpc/client` in the process and
 * keeps them current from their diagnostics channels. Throws a `TypeError`
 * (`RERPC_ERR_INVALID_OPTION`) for an invalid option, or when the registry already has a metric of
 * the same name (another `createMetrics()` on it not closed).
 *
 * @example
 * const metrics = createMetrics();
 * http.createServer((req, res) => (req.url === '/metrics' ? metrics.handler : rpc)(req, res));
 */
export function createMetrics(options?: MetricsOptions): Metrics {
  const o = resolveOptions(options);
  const registry = registryOf(o);
  answerPrimary();
  // Each side's metrics are registered (throwing on a clash) before anything subscribes.
  const sides: CallMetrics[] = [];
  let endpoints: EndpointMetrics | null = null;
  try {
    if (o.server) sides.push(new CallMetrics(registry, o.prefix, 'server', o.buckets));
    if (o.client) sides.push(new CallMetrics(registry, o.prefix, 'client', o.buckets));
    if (o.client) endpoints = new EndpointMetrics(registry, o.prefix);
  } catch (error) {
    for (const side of sides) side.remove();
    throw error;
  }
  const stops = sides.map((side) =>
    side.side === 'server' ? countServer(side) : countClient(side),
  );
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const stop of stops) stop();
    for (const side of sides) side.remove();
    endpoints?.remove();
  };
  const watch = (client: WatchedClient): (() => void) => {
    if (endpoints === null) {
      throw optionError('watch() counts a client’s endpoints: createMetrics() with client: true');
    }
    return endpoints.watch(client);
  };
  return { registry, handler: metricsHandler(registry), watch, close, [Symbol.dispose]: close };
}

/**
 * In a node:cluster worker, prom-client answers the primary's `clusterMetrics()` only once an
 * `AggregatorRegistry` was made in it (that adds its IPC listener; idempotent): make one, so a
 * worker's `createMetrics()` is all a cluster needs. It answers from prom-client's global
 * `register` (or what `AggregatorRegistry.setRegistries()` was given).
 */
function answerPrimary(): void {
  if (cluster.isWorker) new AggregatorRegistry();
}
