import type { Connections, MethodName } from './protocol.js';

export type ScenarioId = 'seq' | 'c100' | 'payload10k' | 'stress' | 'conns';

export interface Scenario {
  id: ScenarioId;
  /** One line: what the scenario does. */
  what: string;
  kind: 'closed' | 'burst';
  method: MethodName;
  /** Calls kept in flight (closed loop), across all connections. */
  inflight: number;
  /** Calls issued at once (burst). */
  burstCalls: number;
  connections: Connections;
  latency: boolean;
}

export const scenarios: readonly Scenario[] = [
  {
    id: 'seq',
    what: '1 call in flight on 1 connection: latency',
    kind: 'closed',
    method: 'ArithService.Add',
    inflight: 1,
    burstCalls: 0,
    connections: 1,
    latency: true,
  },
  {
    id: 'c100',
    what: '100 calls in flight on 1 connection',
    kind: 'closed',
    method: 'ArithService.Add',
    inflight: 100,
    burstCalls: 0,
    connections: 1,
    latency: false,
  },
  {
    id: 'payload10k',
    what: '~10 KB echo, 32 calls in flight on 1 connection',
    kind: 'closed',
    method: 'echo',
    inflight: 32,
    burstCalls: 0,
    connections: 1,
    latency: false,
  },
  {
    id: 'stress',
    what: "10,000 calls issued at once through the contender's default (pooled) client",
    kind: 'burst',
    method: 'ArithService.Add',
    inflight: 0,
    burstCalls: 10_000,
    connections: 'default',
    latency: false,
  },
  {
    id: 'conns',
    what: '50 connections × 8 pipelined calls (400 in flight)',
    kind: 'closed',
    method: 'ArithService.Add',
    inflight: 400,
    burstCalls: 0,
    connections: 50,
    latency: false,
  },
];
