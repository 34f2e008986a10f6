// The live dashboard: a rerpc server over HTTP + WebSocket, and a page that shows its stats
// (calls/s, in flight, latency quantiles, errors by code, connections) as they change, over a
// WebSocket subscription, with a form to call any method it lists (`rpc.discover` where a server has it, else
// `Dashboard.methods`).
//
//   pnpm dashboard (root), or node dist/dashboard.js [--port 0] [--rpc-port 0] [--quiet]
//
// prints `dashboard http://127.0.0.1:PORT/` once ready (open it in a browser) and serves until
// SIGTERM or SIGINT. Unless --quiet, a client in this process calls the server a few times a
// second (some calls fail, some are slow) so the numbers move. The page is the browser entry of
// @rerpc/client (`@rerpc/client/browser`), bundled with esbuild when the dashboard starts.
import { createServer as createHttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient } from '@rerpc/client';
import { type CallContext, createServer, RpcError, type SubscriptionSink } from '@rerpc/server';
import { build } from 'esbuild';
import { registerArith } from './lib/arith.js';
import { dashboardPage } from './lib/dashboard-html.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'rpc-port': { type: 'string', default: '0' },
    quiet: { type: 'boolean', default: false },
  },
});
const host = '127.0.0.1';

// --- the server ------------------------------------------------------------------------------

const server = createServer();
const methods: string[] = [...registerArith(server)];
function method(name: string, handler: (params: never, ctx: CallContext) => unknown): void {
  server.method(name, handler);
  methods.push(name);
}
method('echo', (params: unknown) => params ?? null);
method('sleep', (params: { ms?: number }, ctx: CallContext) => {
  const ms = Math.min(Math.max(Number(params?.ms) || 0, 0), 10_000);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms, ms);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(ctx.signal.reason);
    });
  });
});
method('fail', (params: { code?: number; message?: string }) => {
  throw new RpcError(Number(params?.code) || 1001, String(params?.message ?? 'it failed'));
});
// What the form offers: every method registered above. The page asks `rpc.discover` first (an
// OpenRPC server's list), which rerpc reserves and does not serve, so this list stands in.
method('Dashboard.methods', () => ({ methods: [...methods, 'stats_subscribe'].sort() }));

/** `stats_subscribe { every }`: server.stats() every `every` ms (default 500), with calls/s. */
server.subscription(
  'stats',
  (params: { every?: number } | undefined, _ctx: CallContext, sink: SubscriptionSink<unknown>) => {
    const every = Math.min(Math.max(Number(params?.every) || 500, 100), 10_000);
    let last = server.stats().calls.total;
    let at = performance.now();
    const timer = setInterval(() => {
      if (sink.closed) {
        clearInterval(timer);
        return;
      }
      const stats = server.stats();
      const now = performance.now();
      const perSecond = ((stats.calls.total - last) * 1000) / (now - at);
      last = stats.calls.total;
      at = now;
      void sink.send({ ...stats, perSecond: Math.round(perSecond * 10) / 10 });
    }, every);
  },
);

const rpc = await server.listen({
  host,
  port: Number(values['rpc-port']),
  transport: 'http',
  cors: '*',
});
if (!('port' in rpc)) throw new Error('expected a TCP address');

// --- the page --------------------------------------------------------------------------------

const script = (
  await build({
    entryPoints: [fileURLToPath(new URL('../src/dashboard/page.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  })
).outputFiles[0]!.text;
const html = dashboardPage(`ws://${host}:${rpc.port}/`);

const web = createHttpServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  else if (path === '/dashboard.js')
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => web.listen(Number(values['port']), host, resolve));
const address = web.address();
if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
process.stdout.write(`dashboard http://${host}:${address.port}/\n`);

// --- some traffic, so the numbers move --------------------------------------------------------

let load: NodeJS.Timeout | null = null;
const client = createClient(`http://${host}:${rpc.port}/`, { timeout: 2_000, maxRetries: 0 });
if (!values['quiet']) {
  let n = 0;
  load = setInterval(() => {
    n += 1;
    const calls = [
      client.call('ArithService.Add', { a: n, b: 1 }),
      client.call('sleep', { ms: (n * 37) % 120 }),
      n % 5 === 0 ? client.call('ArithService.Divide', { a: n, b: 0 }) : null,
      n % 7 === 0 ? client.call('no.such.method') : null,
      n % 11 === 0 ? client.call('fail', { code: 1002, message: 'out of stock' }) : null,
    ];
    for (const call of calls) call?.catch(() => {}); // the failures are the point
  }, 100);
}

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  if (load !== null) clearInterval(load);
  web.close();
  web.closeAllConnections();
  void client
    .close()
    .then(() => server.close({ timeout: 2_000 }))
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
