// json-rpc-2.0 1.8: JSONRPCClient over the raw contender's `ws` socket (one per connection):
// send writes a message, each message received goes to `receive()`.
import { JSONRPCClient, type JSONRPCParams, type JSONRPCResponse } from 'json-rpc-2.0';
import { clientMain, openEach } from '../client-main.js';
import { batchOf } from '../json-rpc-2.0.js';
import type { Caller } from '../load.js';
import type { Target } from '../protocol.js';
import { closeWs, corkedSender, dialWs } from '../web.js';

async function openOne(target: Target): Promise<Caller> {
  const ws = await dialWs(target);
  const send = corkedSender(ws);
  const client = new JSONRPCClient((request) => {
    send(JSON.stringify(request));
  });
  ws.on('message', (data: Buffer) =>
    client.receive(JSON.parse(data.toString('utf8')) as JSONRPCResponse | JSONRPCResponse[]),
  );
  ws.on('error', () => {});
  ws.on('close', () => client.rejectAllPendingRequests('connection closed'));
  let nextId = 1;
  return {
    call: (method, params) => client.request(method, params as JSONRPCParams) as Promise<unknown>,
    batch(method, params) {
      const first = nextId;
      nextId += params.length;
      return batchOf(client, method, params, first);
    },
    close: () => closeWs(ws),
  };
}

clientMain((target, connections) => openEach(connections, () => openOne(target)));
