// json-rpc-2.0 1.8: JSONRPCClient over the raw contender's minimal NDJSON transport; one
// connection per instance, so `conns` opens one instance per connection.
import { JSONRPCClient, type JSONRPCParams, type JSONRPCResponse } from 'json-rpc-2.0';
import { clientMain, openEach } from '../client-main.js';
import type { Caller } from '../load.js';
import { corkedWriter, onLines } from '../ndjson.js';
import type { Target } from '../protocol.js';
import { dial } from '../sockets.js';

async function openOne(target: Target): Promise<Caller> {
  const socket = await dial(target);
  const write = corkedWriter(socket);
  const client = new JSONRPCClient((request) => {
    write(`${JSON.stringify(request)}\n`);
  });
  onLines(socket, (line) => client.receive(JSON.parse(line) as JSONRPCResponse));
  socket.on('error', () => {});
  socket.on('close', () => client.rejectAllPendingRequests('connection closed'));
  return {
    call: (method, params) => client.request(method, params as JSONRPCParams) as Promise<unknown>,
    close() {
      return new Promise((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
      });
    },
  };
}

clientMain((target, connections) => openEach(connections, () => openOne(target)));
