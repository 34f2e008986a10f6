// json-rpc-2.0 1.8: the library is transport-free; this is the minimal NDJSON `net` transport
// the raw contender uses too (one line in, `receiveJSON`, one line out, writes corked per tick).
import { createServer } from 'node:net';
import { JSONRPCServer } from 'json-rpc-2.0';
import { type AddParams, add } from '../methods.js';
import { corkedWriter, onLines } from '../ndjson.js';
import { serverMain } from '../server-main.js';
import { listenNet } from '../sockets.js';

serverMain((host) => {
  const rpc = new JSONRPCServer();
  rpc.addMethod('ArithService.Add', (params) => add(params as unknown as AddParams));
  rpc.addMethod('echo', (params) => params);
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => {});
    const write = corkedWriter(socket);
    onLines(socket, (line) => {
      rpc.receiveJSON(line).then((response) => {
        if (response !== null) write(`${JSON.stringify(response)}\n`);
      });
    });
  });
  return listenNet(server, host);
});
