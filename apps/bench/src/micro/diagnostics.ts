// Diagnostics channels micro-benchmarks (issue 18): what the server's and the client's
// diagnostics_channel publishing costs per call, unsubscribed (the default: one `hasSubscribers`
// read per event) and with no-op subscribers (each call then builds its messages). Server: the
// server-middleware suite's round of 500 calls through channel.receive(). Client: the client
// suite's wave of 100 calls over one loopback connection to a minimal NDJSON server. A subscribed
// case subscribes at the start of each round and unsubscribes at its end (so the other cases run
// unsubscribed), which adds two subscribe calls per round to it. Ratios to the unsubscribed case;
// run on an idle machine: `node dist/micro.js diagnostics` (--quick for a smoke run).

import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { createClient } from '@rerpc/client';
import { createServer } from '@rerpc/server';
import { type MicroCase, runMicroSuite } from '../lib/micro.js';
import { ArithService, arithRequests, receiveRound, startArithServer } from './fixtures.js';

const N = 500;
const WAVE = 100;
let sink: unknown;
const noop = (message: unknown): void => {
  sink = message;
};
const noopTrace = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };

/** What a subscribed case subscribes to for one round. */
interface Subscription {
  on(): void;
  off(): void;
}

const none: Subscription = { on() {}, off() {} };

function channels(names: readonly string[]): Subscription {
  return {
    on: () => {
      for (const name of names) subscribe(name, noop);
    },
    off: () => {
      for (const name of names) unsubscribe(name, noop);
    },
  };
}

function tracing(name: string): Subscription {
  const channel = tracingChannel(name);
  return { on: () => channel.subscribe(noopTrace), off: () => channel.unsubscribe(noopTrace) };
}

function serverRound(subscription: Subscription): () => Promise<void> {
  const server = createServer();
  server.register(new ArithService(), { name: 'ArithService' });
  const round = receiveRound(server, arithRequests(N));
  return async () => {
    subscription.on();
    await round();
    subscription.off();
  };
}

export async function run(): Promise<void> {
  await runMicroSuite('diagnostics-server', [
    { name: 'server, no subscriber', fn: serverRound(none), opsPerCall: N, baseline: true },
    {
      name: 'server, request + response subscribed',
      fn: serverRound(channels(['rerpc:server:request', 'rerpc:server:response'])),
      opsPerCall: N,
    },
    {
      name: 'server, rerpc:server:call traced',
      fn: serverRound(tracing('rerpc:server:call')),
      opsPerCall: N,
    },
  ]);

  const { server, port } = await startArithServer();
  const client = createClient({ host: '127.0.0.1', port }, { maxActive: 1 });
  const wave = (subscription: Subscription) => async () => {
    subscription.on();
    const calls = new Array<Promise<unknown>>(WAVE);
    for (let i = 0; i < WAVE; i++) calls[i] = client.call('ArithService.Add', { a: i, b: 1 });
    const results = (await Promise.all(calls)) as Array<{ result: number }>;
    subscription.off();
    if (results[WAVE - 1]!.result !== WAVE) throw new Error('wrong answer');
  };
  await wave(none)(); // connected before measuring
  const cases: MicroCase[] = [
    { name: 'client, no subscriber', fn: wave(none), opsPerCall: WAVE, baseline: true },
    {
      name: 'client, rerpc:client:call traced',
      fn: wave(tracing('rerpc:client:call')),
      opsPerCall: WAVE,
    },
  ];
  try {
    await runMicroSuite('diagnostics-client', cases);
  } finally {
    await client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (sink === Symbol.for('never')) console.log(sink);
}
