import type { Connections, MethodName } from './protocol.js';

/** How a contender's client reaches its server. */
export type Transport = 'tcp' | 'http' | 'ws';

export const transports: readonly Transport[] = ['tcp', 'http', 'ws'];

export type ScenarioId =
  | 'seq'
  | 'c100'
  | 'payload10k'
  | 'stress'
  | 'conns'
  | 'http-seq'
  | 'http-c100'
  | 'http-batch10'
  | 'ws-seq'
  | 'ws-c100'
  | 'ws-batch10';

export interface Scenario {
  id: ScenarioId;
  /** One line: what the scenario does. */
  what: string;
  /** Only the contenders of this transport run it; `vs raw` divides by raw over the same one. */
  transport: Transport;
  kind: 'closed' | 'burst';
  method: MethodName;
  /** Calls kept in flight (closed loop), across all connections. */
  inflight: number;
  /** Calls issued at once (burst). */
  burstCalls: number;
  /** Calls per request: 1 for single calls; above 1, JSON-RPC batches of this many calls. */
  batch: number;
  connections: Connections;
  latency: boolean;
}

/** The fields every scenario shares unless it says otherwise. */
const closed = {
  kind: 'closed',
  method: 'ArithService.Add',
  burstCalls: 0,
  batch: 1,
  latency: false,
} as const;

export const scenarios: readonly Scenario[] = [
  {
    ...closed,
    id: 'seq',
    what: '1 call in flight on 1 connection: latency',
    transport: 'tcp',
    inflight: 1,
    connections: 1,
    latency: true,
  },
  {
    ...closed,
    id: 'c100',
    what: '100 calls in flight on 1 connection',
    transport: 'tcp',
    inflight: 100,
    connections: 1,
  },
  {
    ...closed,
    id: 'payload10k',
    what: '~10 KB echo, 32 calls in flight on 1 connection',
    transport: 'tcp',
    method: 'echo',
    inflight: 32,
    connections: 1,
  },
  {
    ...closed,
    id: 'stress',
    what: "10,000 calls issued at once through the contender's default (pooled) client",
    transport: 'tcp',
    kind: 'burst',
    inflight: 0,
    burstCalls: 10_000,
    connections: 'default',
  },
  {
    ...closed,
    id: 'conns',
    what: '50 connections × 8 pipelined calls (400 in flight)',
    transport: 'tcp',
    inflight: 400,
    connections: 50,
  },
  // HTTP/1.1 carries one exchange at a time on a connection (no client here pipelines), so
  // calls in flight over HTTP need as many keep-alive connections.
  {
    ...closed,
    id: 'http-seq',
    what: 'HTTP: 1 call in flight on 1 keep-alive connection: latency',
    transport: 'http',
    inflight: 1,
    connections: 1,
    latency: true,
  },
  {
    ...closed,
    id: 'http-c100',
    what: 'HTTP: 100 calls in flight, one POST each, on 100 keep-alive connections',
    transport: 'http',
    inflight: 100,
    connections: 100,
  },
  {
    ...closed,
    id: 'http-batch10',
    what: 'HTTP: batches of 10 calls, 10 batch POSTs (100 calls) in flight on 10 keep-alive connections',
    transport: 'http',
    inflight: 100,
    batch: 10,
    connections: 10,
  },
  {
    ...closed,
    id: 'ws-seq',
    what: 'WebSocket: 1 call in flight on 1 connection: latency',
    transport: 'ws',
    inflight: 1,
    connections: 1,
    latency: true,
  },
  {
    ...closed,
    id: 'ws-c100',
    what: 'WebSocket: 100 calls in flight on 1 connection',
    transport: 'ws',
    inflight: 100,
    connections: 1,
  },
  {
    ...closed,
    id: 'ws-batch10',
    what: 'WebSocket: batches of 10 calls, 10 batch messages (100 calls) in flight on 1 connection',
    transport: 'ws',
    inflight: 100,
    batch: 10,
    connections: 1,
  },
];

/**
 * The scenarios `--scenarios=` names, in table order: scenario ids, or a transport's name
 * (`tcp`, `http`, `ws`) for all of its scenarios; null (no option) for every scenario.
 */
export function selectScenarios(names: readonly string[] | null): Scenario[] {
  if (names === null) return [...scenarios];
  for (const name of names) {
    if (!transports.includes(name as Transport) && !scenarios.some((s) => s.id === name)) {
      throw new Error(
        `unknown scenario ${name}; known: ${scenarios.map((s) => s.id).join(', ')}, or a transport: ${transports.join(', ')}`,
      );
    }
  }
  return scenarios.filter((s) => names.includes(s.id) || names.includes(s.transport));
}
