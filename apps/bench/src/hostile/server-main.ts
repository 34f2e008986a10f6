// The server under test in a hostile scenario (dist/hostile/server-main.js), forked by the parent:
//
//   node --expose-gc dist/hostile/server-main.js --server=<dist/index.js> [--framing=ndjson] [--port=0]
//     [--defer-listen]
//
// It loads `@rerpc/server` from the given path (so the same scenario can run an old build), creates
// it with default options (plus `framing`), registers the methods the scenarios call, listens on
// 127.0.0.1 and reports the port. It measures itself on request over IPC, and on SIGTERM (or a
// `stop` message) calls `server.close()`, sends its final report and exits once that resolves.
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import type { FinalReport, FromChild, Memory, Taps, ToChild } from './protocol.js';

function send(msg: FromChild, then?: () => void): void {
  if (process.send === undefined) return;
  process.send(msg, undefined, {}, () => then?.());
}

function arg(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

// Socket taps: every connection the server accepts gets one extra 'data' listener (added before the
// server's own, which does not change flow control: pause() stops both). It counts reads, bytes and
// NDJSON lines, and lines that arrive after the server's FIN was flushed ('finish').
const taps: Taps = { connections: 0, reads: 0, bytesIn: 0, linesIn: 0, linesAfterFin: 0 };
const originalEmit = net.Server.prototype.emit as (
  this: net.Server,
  event: string | symbol,
  ...args: unknown[]
) => boolean;
net.Server.prototype.emit = function tappedEmit(
  this: net.Server,
  event: string | symbol,
  ...args: unknown[]
): boolean {
  if (event === 'connection') tap(args[0] as net.Socket);
  return originalEmit.call(this, event, ...args);
} as typeof net.Server.prototype.emit;

function tap(socket: net.Socket): void {
  taps.connections++;
  let finished = false;
  socket.on('finish', () => {
    finished = true;
  });
  socket.on('data', (chunk: Buffer) => {
    taps.reads++;
    taps.bytesIn += chunk.length;
    let lines = 0;
    // Bounded by the chunk's length: indexOf moves forward every turn.
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (finished) taps.linesAfterFin += lines;
    else taps.linesIn += lines;
  });
}

function memory(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** `work` calls whose handler started, by `n`. */
const ran: number[] = [];

/** `slow` calls wait for `release` (or 10 s); after release they return at once. */
let released = false;
const waiting = new Set<() => void>();
const SLOW_MS = 10_000;

function slow(): Promise<string> | string {
  if (released) return 'released';
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiting.delete(done);
      resolve('released');
    };
    const timer = setTimeout(done, SLOW_MS);
    waiting.add(done);
  });
}

function work(params: unknown): Promise<number> | number {
  const { n, ms } = params as { n: number; ms: number };
  ran.push(n);
  if (ms > 0) return new Promise((resolve) => setTimeout(resolve, ms, n));
  return n;
}

interface ServerLike {
  method(name: string, handler: (params: unknown) => unknown): void;
  listen(options: { port: number; host: string }): Promise<{ port?: number }>;
  close(): Promise<void>;
  stats(): FinalReport['stats'];
}

async function main(): Promise<void> {
  const serverPath = arg('server');
  if (serverPath === undefined)
    throw new Error('--server=<path of @rerpc/server dist/index.js> is required');
  const framing = arg('framing') ?? 'ndjson';
  const port = Number(arg('port') ?? '0');
  const url = serverPath.startsWith('file:') ? serverPath : pathToFileURL(serverPath).href;
  const mod = (await import(url)) as { createServer(options: object): ServerLike };
  const server = mod.createServer(framing === 'ndjson' ? {} : { framing });
  server.method('ping', () => 'pong');
  server.method('slow', slow);
  server.method('work', work);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const start = performance.now();
    const finish = () => {
      const report: FinalReport = {
        taps: { ...taps },
        ran,
        stats: server.stats(),
        closeMs: performance.now() - start,
      };
      send({ type: 'final', report }, () => process.exit(0));
    };
    server.close().then(finish, finish);
  };
  process.on('SIGTERM', stop);

  process.on('message', (msg: ToChild) => {
    switch (msg.type) {
      case 'mem':
        send({ seq: msg.seq, type: 'mem', memory: memory(), taps: { ...taps } });
        break;
      case 'cpu': {
        const cpu = process.cpuUsage();
        send({ seq: msg.seq, type: 'cpu', userUs: cpu.user, systemUs: cpu.system });
        break;
      }
      case 'taps':
        send({ seq: msg.seq, type: 'taps', taps: { ...taps } });
        break;
      case 'release':
        released = true;
        for (const done of [...waiting]) done();
        send({ seq: msg.seq, type: 'released' });
        break;
      case 'listen':
        listen().then(
          (p) => send({ seq: msg.seq, type: 'listening', port: p }),
          (err: unknown) => send({ type: 'error', message: errorText(err) }),
        );
        break;
      case 'stop':
        stop();
        break;
    }
  });

  const listen = async (): Promise<number> => {
    const address = await server.listen({ port, host: '127.0.0.1' });
    if (address.port === undefined) throw new Error('the server listened without a TCP port');
    return address.port;
  };
  if (process.argv.includes('--defer-listen')) send({ type: 'loaded' });
  else send({ type: 'ready', port: await listen() });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

if (process.send === undefined) {
  console.error('this is a hostile-scenario server process: run it through dist/hostile/main.js');
  process.exit(2);
}
// The parent going away (even killed) closes the IPC channel: never outlive it.
process.on('disconnect', () => process.exit(0));
main().catch((err: unknown) => {
  send({ type: 'error', message: errorText(err) }, () => process.exit(1));
});
