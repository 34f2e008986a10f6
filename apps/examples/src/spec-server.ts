// The spec server: every method of the JSON-RPC 2.0 specification's examples, the Go rerpc
// ArithService, and a few probes, over TCP or HTTP + WebSocket, with or without TLS. A fixed
// contract for outside checks:
//
//   node dist/spec-server.js [--host 127.0.0.1] [--port 0] [--framing ndjson|content-length]
//                            [--max-message-bytes N] [--transport tcp|http] [--tls KEY,CERT]
//                            [--cors '*'|ORIGIN,...]
//
// prints exactly one line once ready: `listening tcp://HOST:PORT` (TCP), `listening tls://HOST:PORT`
// (TCP over TLS), `listening http://HOST:PORT` (HTTP POST and WebSocket on one port, path `/`) or
// `listening https://HOST:PORT` (HTTPS and WSS); `--cors` lets pages from those origins POST (a
// browser's preflight is answered; WebSockets are open to any origin). It serves until SIGTERM or SIGINT, then closes
// gracefully (calls in flight are answered) and exits 0.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createServer } from '@rerpc/server';
import { registerSpecMethods } from './lib/spec-methods.js';

function usage(problem: string): never {
  process.stderr.write(
    `spec-server: ${problem}\nusage: node dist/spec-server.js [--host 127.0.0.1] [--port 0] [--framing ndjson|content-length] [--max-message-bytes N] [--transport tcp|http] [--tls KEY,CERT] [--cors '*'|ORIGIN,...]\n`,
  );
  process.exit(2);
}

function integer(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    usage(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return n;
}

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      framing: { type: 'string' },
      'max-message-bytes': { type: 'string' },
      transport: { type: 'string' },
      tls: { type: 'string' },
      cors: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  usage((error as Error).message);
}

const host = values['host'] ?? '127.0.0.1';
const port = integer('port', values['port'], 0, 0);
if (port > 65535) usage(`--port must be at most 65535, got ${port}`);
const framing = values['framing'] ?? 'ndjson';
if (framing !== 'ndjson' && framing !== 'content-length') {
  usage(`--framing must be ndjson or content-length, got ${JSON.stringify(framing)}`);
}
const maxMessageBytes = integer('max-message-bytes', values['max-message-bytes'], 1_048_576, 1);
const transport = values['transport'] ?? 'tcp';
if (transport !== 'tcp' && transport !== 'http') {
  usage(`--transport must be tcp or http, got ${JSON.stringify(transport)}`);
}
const tlsFiles = values['tls']?.split(',');
if (tlsFiles !== undefined && (tlsFiles.length !== 2 || tlsFiles.some((f) => f.length === 0))) {
  usage(`--tls must be KEY,CERT (two PEM file paths), got ${JSON.stringify(values['tls'])}`);
}
let tls: { key: Buffer; cert: Buffer } | undefined;
if (tlsFiles !== undefined) {
  try {
    tls = { key: readFileSync(tlsFiles[0]!), cert: readFileSync(tlsFiles[1]!) };
  } catch (error) {
    usage(`--tls: ${(error as Error).message}`);
  }
}

const corsText = values['cors'];
if (corsText !== undefined && transport !== 'http') usage('--cors needs --transport http');
const cors: readonly string[] | '*' | null =
  corsText === undefined ? null : corsText === '*' ? '*' : corsText.split(',');

const server = createServer({
  framing,
  maxMessageBytes,
  // rpc.discover answers the OpenRPC document of every method below (rerpc-types reads it).
  discover: { info: { title: 'rerpc spec server', version: '1.0.0' } },
});
registerSpecMethods(server);

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  server.close({ timeout: 10_000 }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`spec-server: close failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

try {
  const web = cors === null ? null : { cors };
  const address = await server.listen({ host, port, transport, ...web, ...(tls && { tls }) });
  if (!('port' in address)) throw new Error('expected a TCP address');
  const shown = address.host.includes(':') ? `[${address.host}]` : address.host;
  const scheme = transport === 'http' ? (tls ? 'https' : 'http') : tls ? 'tls' : 'tcp';
  process.stdout.write(`listening ${scheme}://${shown}:${address.port}\n`);
} catch (error) {
  process.stderr.write(`spec-server: ${(error as Error).message}\n`);
  process.exit(1);
}
