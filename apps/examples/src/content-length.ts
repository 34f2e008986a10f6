// Content-Length (LSP-style) framing instead of newline-delimited JSON, chosen on both sides.
import { createConnection } from 'node:net';
import { createClient } from '@rerpc/client';
import { createServer } from '@rerpc/server';

const server = createServer({ framing: 'content-length' });
server.method('echo', (params: unknown) => params);
const address = await server.listen({ host: '127.0.0.1', port: 0 });
if (!('port' in address)) throw new Error('expected a TCP address');

const client = createClient(
  { host: address.host, port: address.port },
  { framing: 'content-length' },
);
console.log(
  'echo over content-length:',
  JSON.stringify(await client.call('echo', ['line\nbreaks are fine'])),
);
await client.close();

// The raw bytes on the wire, as an LSP peer would send and receive them.
const body = '{"jsonrpc":"2.0","method":"echo","params":{"x":1},"id":7}';
const socket = createConnection({ host: address.host, port: address.port });
socket.end(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
let reply = '';
for await (const chunk of socket) reply += chunk;
console.log('raw reply:', JSON.stringify(reply));
await server.close();
