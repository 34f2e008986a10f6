// `pnpm demo`: the Arith example server and client end to end, one step per line.
import { createClient, RpcError, TimeoutError } from '@rerpc/client';
import type { OpenRpcDocument } from '@rerpc/server';
import { type ArithService, DIVISION_BY_ZERO } from './lib/arith.js';
import { createDemoServer } from './lib/demo-server.js';

const step = (n: number, what: string, detail: unknown) =>
  console.log(
    `${String(n).padStart(2)}. ${what.padEnd(34)} ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`,
  );

const { server, logged } = createDemoServer();
const address = await server.listen({ host: '127.0.0.1', port: 0 });
if (!('port' in address)) throw new Error('expected a TCP address');
console.log(`server listening on tcp://${address.host}:${address.port}\n`);

const client = createClient({ host: address.host, port: address.port }, { timeout: 2000 });

step(
  1,
  'call ArithService.Add {a:10,b:20}',
  await client.call('ArithService.Add', { a: 10, b: 20 }),
);

await client.notify('log', { line: 'hello from a notification' });
await client.call('ArithService.Add', { a: 0, b: 0 }); // answered after the notification ran
step(2, 'notify log (no answer expected)', `server logged: ${JSON.stringify(logged)}`);

const batch = await client.batch([
  { method: 'ArithService.Add', params: { a: 1, b: 2 } },
  { method: 'ArithService.Multiply', params: { a: 6, b: 7 } },
  { method: 'log', params: { line: 'batched notification' }, notify: true },
  { method: 'ArithService.Add', params: { a: 'x', b: 2 } },
]);
step(
  3,
  'batch of 4 (one array on the wire)',
  batch.map((r) => (r === undefined ? 'notified' : r.ok ? r.value : `error ${r.error.code}`)),
);

const arith = client.service<ArithService>('ArithService');
step(4, 'typed proxy arith.Multiply({6,7})', await arith.Multiply({ a: 6, b: 7 }));

try {
  await arith.Divide({ a: 1, b: 0 });
} catch (error) {
  // The application's own code (1001, outside the spec's reserved -32768..-32000): a caller can
  // tell "you divided by zero" from "the server failed" (-32603) by the code alone.
  if (!(error instanceof RpcError) || error.code !== DIVISION_BY_ZERO) throw error;
  step(5, 'Divide({1,0}) → DIVISION_BY_ZERO', {
    code: error.code,
    message: error.message,
    data: error.data,
  });
}

try {
  await client.call('sleep', { ms: 1000 }, { timeout: 50 });
} catch (error) {
  if (!(error instanceof TimeoutError)) throw error;
  step(6, 'sleep 1000 ms with timeout 50 ms', `${error.name} (${error.code})`);
}
step(7, 'the same connection still works', await arith.Add({ a: 2, b: 2 }));

const ticks: number[] = [];
for await (const tick of client.subscribe<number>('ticker', { from: 1 })) {
  ticks.push(tick);
  if (ticks.length === 3) break; // sends ticker_unsubscribe
}
step(8, 'subscribe ticker, 3 events, break', `got ${JSON.stringify(ticks)}, then unsubscribed`);

const discovered = (await client.call('rpc.discover')) as OpenRpcDocument;
step(
  9,
  'rpc.discover (OpenRPC) lists methods',
  discovered.methods.map((m) => m.name),
);

const cs = client.stats();
step(10, 'client.stats()', {
  settled: cs.settled,
  pending: cs.pending,
  connections: cs.connections,
  errors: cs.errors,
  latencyMs: cs.latency,
});
await client.close();
await server.close({ timeout: 2000 });
const ss = server.stats();
step(11, 'server.stats() after close', {
  connections: ss.connections,
  calls: ss.calls,
  errors: ss.errors,
  latencyMs: ss.latency,
});
console.log('\nclient and server closed gracefully');
