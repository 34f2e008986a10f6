// The ceiling: a minimal `net` NDJSON JSON-RPC server. Per line: JSON.parse, a method lookup,
// JSON.stringify of the response envelope; the answers to one chunk leave in one write.
import { createServer } from 'node:net';
import { add, echo } from '../methods.js';
import { corkedWriter, onLines } from '../ndjson.js';
import { serverMain } from '../server-main.js';
import { listenNet } from '../sockets.js';

interface Request {
  method: string;
  params?: unknown;
  id?: string | number | null;
}

const methods: Record<string, (params: never) => unknown> = { 'ArithService.Add': add, echo };

serverMain((host) => {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => {});
    const write = corkedWriter(socket);
    onLines(socket, (line) => {
      let request: Request;
      try {
        request = JSON.parse(line) as Request;
      } catch {
        write('{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}\n');
        return;
      }
      const fn = methods[request.method];
      if (request.id === undefined) return;
      const response =
        fn === undefined
          ? { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: request.id }
          : { jsonrpc: '2.0', result: fn(request.params as never), id: request.id };
      write(`${JSON.stringify(response)}\n`);
    });
  });
  return listenNet(server, host);
});
