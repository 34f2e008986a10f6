// @rerpc/server micro-benchmarks: the core's per-call cost (a parsed request in, the response
// text out) against what the raw ceiling server does per line; the worker pool's sync fast path
// against a direct call; latency recording (the Histogram server and client record into, from
// @rerpc/internal, vs hdr-histogram-js); and
// the clock reads behind it (performance.now() per call vs once per read).

import { Histogram } from '@rerpc/internal';
import { createServer } from '@rerpc/server';
import { createWorkerPool } from '@rerpc/worker-pool';
import * as hdr from 'hdr-histogram-js';
import { type MicroCase, runMicroSuite } from '../lib/micro.js';
import { ArithService, arithRequests, receiveRound, sinkChannel } from './fixtures.js';

const N = 1000;
let sink: unknown;

class AsyncArithService {
  async Add({ a, b }: { a: number; b: number }) {
    return { result: a + b };
  }
}

function dispatchCases(): MicroCase[] {
  const methods: Record<string, (p: { a: number; b: number }) => unknown> = {
    'ArithService.Add': new ArithService().Add,
  };
  const server = createServer();
  server.register(new ArithService(), { name: 'ArithService' });
  const channel = sinkChannel(server);
  const requests = arithRequests(N);
  // An async handler: each call stays in flight past receive(), so it is tracked (the channel's
  // list of calls, the core's deadline list) and untracked when its promise settles. 500 calls
  // per round stay under maxInFlightPerConnection (1000).
  const A = 500;
  const asyncServer = createServer();
  asyncServer.register(new AsyncArithService(), { name: 'AsyncArithService' });
  const asyncRound = receiveRound(asyncServer, arithRequests(A, 'AsyncArithService.Add'));
  return [
    {
      name: 'raw: lookup + JSON.stringify(envelope)',
      baseline: true,
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) {
          const r = requests[i]!;
          const fn = methods[r.method];
          sink = JSON.stringify({ jsonrpc: '2.0', result: fn!(r.params), id: r.id });
        }
      },
    },
    {
      name: 'channel.receive (validate, pool, encode)',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) channel.receive(requests[i]);
      },
    },
    {
      name: 'channel.receive, async handler',
      opsPerCall: A,
      fn: asyncRound,
    },
  ];
}

function poolCases(): MicroCase[] {
  const pool = createWorkerPool();
  const task = (x: number) => x + 1;
  let total = 0;
  const done = (_error: unknown, value: number | undefined) => {
    total += value ?? 0;
  };
  return [
    {
      name: 'direct call + callback',
      baseline: true,
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) done(null, task(i));
      },
    },
    {
      name: 'pool.tryRun (sync fast path)',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) pool.tryRun(task, i, done);
        sink = total;
      },
    },
    {
      name: 'pool.run (a promise per call)',
      opsPerCall: N,
      async fn() {
        const all: Array<Promise<number>> = [];
        for (let i = 0; i < N; i++) all.push(pool.run(task, i));
        sink = await Promise.all(all);
      },
    },
  ];
}

function histogramCases(): MicroCase[] {
  const histogram = new Histogram();
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000 });
  const values = Array.from({ length: N }, (_, i) => 20 + ((i * 7919) % 5000));
  return [
    {
      name: '@rerpc/internal Histogram: record',
      baseline: true,
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) histogram.record(values[i]!, 1);
      },
    },
    {
      name: 'hdr-histogram-js: recordValue',
      opsPerCall: N,
      fn() {
        for (let i = 0; i < N; i++) h.recordValue(values[i]!);
      },
    },
  ];
}

function clockCases(): MicroCase[] {
  let t = 0;
  return [
    {
      name: 'one performance.now() per read of 100 calls',
      baseline: true,
      opsPerCall: 100,
      fn() {
        const start = performance.now();
        for (let i = 0; i < 100; i++) t += start;
        t += performance.now() - start;
        sink = t;
      },
    },
    {
      name: 'two performance.now() per call',
      opsPerCall: 100,
      fn() {
        for (let i = 0; i < 100; i++) {
          const start = performance.now();
          t += performance.now() - start;
        }
        sink = t;
      },
    },
  ];
}

export async function run(): Promise<void> {
  await runMicroSuite('server-dispatch', dispatchCases());
  await runMicroSuite('server-pool', poolCases());
  await runMicroSuite('server-histogram', histogramCases());
  await runMicroSuite('server-clock', clockCases());
  if (sink === Symbol.for('never')) console.log(sink);
}
