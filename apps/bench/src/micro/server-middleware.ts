// @rerpc/server micro-benchmark: what server.use() costs per call. The same synchronous handler
// dispatched through channel.receive() (validate, pool, encode: the whole per-call path) with no
// middleware (the scheduler calls the handler directly), one pass-through middleware
// `(ctx, next) => next()`, and three. `next()` returns a promise, so with a middleware a call is
// answered a few microtasks later (tracked in flight meanwhile): each round sends N calls and
// waits for their N answers, the same for every case. Ratios to the first case; run on an idle
// machine: `node dist/micro.js server-middleware` (add --quick for a smoke run).

import { createServer, type Middleware } from '@rerpc/server';
import { type MicroCase, runMicroSuite } from '../lib/micro.js';
import { ArithService, arithRequests, receiveRound } from './fixtures.js';

/** Calls per round: under maxInFlightPerConnection (1000), so none waits for a slot. */
const N = 500;
const passThrough: Middleware = (_ctx, next) => next();

/** A round of calls into a server with `layers` pass-through middlewares. */
function roundWith(layers: number, requests: readonly object[]): () => Promise<void> {
  const server = createServer();
  server.register(new ArithService(), { name: 'ArithService' });
  for (let i = 0; i < layers; i++) server.use(passThrough);
  return receiveRound(server, requests);
}

function middlewareCases(): MicroCase[] {
  const requests = arithRequests(N);
  const cases: Array<[string, number]> = [
    ['channel.receive, no middleware', 0],
    ['channel.receive, one pass-through middleware', 1],
    ['channel.receive, three pass-through middlewares', 3],
  ];
  return cases.map(([name, layers], i) => ({
    name,
    baseline: i === 0,
    opsPerCall: N,
    fn: roundWith(layers, requests),
  }));
}

export async function run(): Promise<void> {
  await runMicroSuite('server-middleware', middlewareCases());
}
