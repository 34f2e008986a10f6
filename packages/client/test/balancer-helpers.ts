// Servers and clients for the balancer tests (balancer*.test.ts): raw NDJSON servers on
// 127.0.0.1, clients of several of them, and the row ClientStats.endpoints has for each.
import { onTestFinished } from 'vitest';
import {
  type Client,
  type ClientOptions,
  createClient,
  type EndpointsTarget,
} from '../src/index.js';
import { type Handler, type RawServer, startRawServer } from './fixtures/raw-server.js';

/** A raw server whose `where` answers `name` and whose `hang` never answers. */
export async function serving(
  name: string,
  handlers: Record<string, Handler> = {},
  port?: number,
): Promise<RawServer> {
  const server = await startRawServer({
    handlers: { where: () => name, hang: () => new Promise(() => {}), ...handlers },
    ...(port === undefined ? {} : { port }),
  });
  onTestFinished(() => server.close());
  return server;
}

/** A client of the servers on these ports of 127.0.0.1 (closed when the test finishes). */
export function balanced(
  ports: readonly number[],
  target: Partial<EndpointsTarget> = {},
  options: ClientOptions = {},
): Client {
  return closing(
    createClient({ endpoints: ports.map((port) => `tcp://127.0.0.1:${port}`), ...target }, options),
  );
}

/** `client`, closed when the test finishes. */
export function closing(client: Client): Client {
  onTestFinished(() => client.close({ timeout: 0 }));
  return client;
}

/** An endpoint's row of ClientStats.endpoints as it is when nothing happened to it. */
export function row(port: number, changes: Record<string, unknown> = {}) {
  return {
    address: `127.0.0.1:${port}`,
    state: 'up',
    inFlight: 0,
    calls: 0,
    failures: 0,
    ejections: 0,
    ejectedUntil: null,
    picks: 0,
    ...changes,
  };
}

/**
 * A resolver answering `list()` that counts its runs: `more(n)` resolves once it started n more
 * (after one run's answer was applied, the next run to start is the second from now).
 */
export function counted(list: () => readonly string[]) {
  let runs = 0;
  let ran: (() => void) | null = null;
  return {
    resolver: async (): Promise<string[]> => {
      runs += 1;
      ran?.();
      return [...list()];
    },
    runs: () => runs,
    more(n: number): Promise<void> {
      const target = runs + n;
      return new Promise<void>((resolve) => {
        ran = () => {
          if (runs >= target) resolve();
        };
      });
    },
  };
}
