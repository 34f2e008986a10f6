// @rerpc/client micro-benchmarks: what the per-call machinery costs. Every case sends a wave of
// 100 concurrent `ArithService.Add` calls over one loopback connection to the same minimal NDJSON
// server, running in this process (so its cost is in every case and dilutes the ratios), and
// awaits them all. The baseline is a raw pipelined client (ids in a Map, JSON.stringify /
// JSON.parse, one corked write per tick: the e2e ceiling's client). The rerpc cases differ only
// in how each call is timed: the shared coarse timer (the default 30 s timeout), no timeout, a
// native timer per call (timeouts under 1 s), and one AbortSignal shared by the wave's calls.
import { once } from 'node:events';
import { connect } from 'node:net';
import { type Client, createClient } from '@rerpc/client';
import { corkedWriter, onLines } from '../e2e/ndjson.js';
import { type MicroCase, runMicroSuite } from '../lib/micro.js';
import { startArithServer } from './fixtures.js';

const WAVE = 100;

interface Caller {
  call(method: string, params: object, options?: object): Promise<unknown>;
  close(): Promise<void> | void;
}

async function rawClient(port: number): Promise<Caller> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const write = corkedWriter(socket);
  let nextId = 1;
  onLines(socket, (line) => {
    const response = JSON.parse(line) as {
      result?: unknown;
      error?: { message: string };
      id: number;
    };
    const call = pending.get(response.id);
    if (call === undefined) return;
    pending.delete(response.id);
    if (response.error !== undefined) call.reject(new Error(response.error.message));
    else call.resolve(response.result);
  });
  return {
    call(method, params) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        write(`${JSON.stringify({ jsonrpc: '2.0', method, params, id })}\n`);
      });
    },
    close() {
      socket.destroy();
    },
  };
}

function wave(caller: Caller, options?: () => object): () => Promise<void> {
  return async () => {
    const calls = new Array<Promise<unknown>>(WAVE);
    for (let i = 0; i < WAVE; i++) {
      calls[i] =
        options === undefined
          ? caller.call('ArithService.Add', { a: i, b: 1 })
          : caller.call('ArithService.Add', { a: i, b: 1 }, options());
    }
    const results = (await Promise.all(calls)) as Array<{ result: number }>;
    if (results[WAVE - 1]!.result !== WAVE) throw new Error('wrong answer');
  };
}

export async function run(): Promise<void> {
  const { server, port } = await startArithServer();
  const raw = await rawClient(port);
  const clients: Client[] = [];
  const rerpc = (options: object): Caller => {
    const client = createClient({ host: '127.0.0.1', port }, { maxActive: 1, ...options });
    clients.push(client);
    return client;
  };
  const byDefault = rerpc({});
  const untimed = rerpc({ timeout: 0 });
  const native = rerpc({ timeout: 500 });
  const signalled = rerpc({});
  const controller = new AbortController();
  // One signal shared by a wave of 100 calls (the client keeps one listener on it, not 100).
  // Connect each before measuring.
  for (const c of [byDefault, untimed, native, signalled]) await wave(c)();
  const cases: MicroCase[] = [
    { name: 'raw pipelined client', fn: wave(raw), opsPerCall: WAVE, baseline: true },
    { name: '@rerpc/client, 30 s timeout (shared timer)', fn: wave(byDefault), opsPerCall: WAVE },
    { name: '@rerpc/client, no timeout', fn: wave(untimed), opsPerCall: WAVE },
    {
      name: '@rerpc/client, 500 ms timeout (native timer per call)',
      fn: wave(native),
      opsPerCall: WAVE,
    },
    {
      name: '@rerpc/client, 30 s timeout + AbortSignal',
      fn: wave(signalled, () => ({ signal: controller.signal })),
      opsPerCall: WAVE,
    },
  ];
  try {
    await runMicroSuite('client', cases);
  } finally {
    await raw.close();
    await Promise.all(clients.map((c) => c.close()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
