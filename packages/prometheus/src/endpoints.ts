import { describe, optionError } from '@rerpc/internal';
import { Counter, Gauge, type Registry } from 'prom-client';
import { assertFree } from './call-metrics.js';

/**
 * What `metrics.watch()` reads of a `@rerpc/client` (its `stats().endpoints`), structurally, so the
 * types do not depend on `@rerpc/client`.
 */
export interface WatchedClient {
  stats(): {
    readonly endpoints: ReadonlyArray<{
      readonly address: string;
      readonly state: string;
      readonly ejections: number;
    }> | null;
  };
}

const STATES = ['up', 'ejected', 'draining'] as const;

/**
 * The endpoints of balancing clients, read from `client.stats()` at each scrape (the client
 * publishes no channel for ejections): ejections by endpoint, endpoints by state.
 */
export class EndpointMetrics {
  private readonly registry: Registry;
  private readonly clients = new Set<WatchedClient>();
  /** Ejections of clients no longer watched, so the counter never goes down. */
  private readonly retired = new Map<string, number>();
  private readonly names: readonly string[];

  constructor(registry: Registry, prefix: string) {
    this.registry = registry;
    const ejections = `${prefix}client_endpoint_ejections_total`;
    const endpoints = `${prefix}client_endpoints`;
    this.names = [ejections, endpoints];
    assertFree(registry, this.names);
    const self = this;
    new Counter({
      name: ejections,
      help: 'Times each endpoint of a watched balancing client was ejected.',
      labelNames: ['address'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [address, n] of self.ejections()) this.inc({ address }, n);
      },
    });
    new Gauge({
      name: endpoints,
      help: 'Endpoints of the watched balancing clients, by state (up, ejected, draining).',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const counts = self.states();
        for (const state of STATES) this.set({ state }, counts.get(state) ?? 0);
      },
    });
  }

  /** Reads `client`'s endpoints at each scrape until the returned function is called. */
  watch(client: WatchedClient): () => void {
    if (
      typeof client !== 'object' ||
      client === null ||
      typeof (client as { stats?: unknown }).stats !== 'function'
    ) {
      throw optionError(`watch() takes a @rerpc/client, got ${describe(client)}`);
    }
    this.clients.add(client);
    return () => {
      if (!this.clients.delete(client)) return;
      for (const e of client.stats().endpoints ?? []) {
        this.retired.set(e.address, (this.retired.get(e.address) ?? 0) + e.ejections);
      }
    };
  }

  private ejections(): Map<string, number> {
    const totals = new Map(this.retired);
    for (const client of this.clients) {
      for (const e of client.stats().endpoints ?? []) {
        totals.set(e.address, (totals.get(e.address) ?? 0) + e.ejections);
      }
    }
    return totals;
  }

  private states(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const client of this.clients) {
      for (const e of client.stats().endpoints ?? []) {
        counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
      }
    }
    return counts;
  }

  /** Takes the metrics out of the registry and forgets the clients. */
  remove(): void {
    this.clients.clear();
    for (const name of this.names) this.registry.removeSingleMetric(name);
  }
}
