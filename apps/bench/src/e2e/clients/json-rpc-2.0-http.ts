// json-rpc-2.0 1.8: JSONRPCClient whose send POSTs through the raw contender's undici `Pool`
// (not `fetch`, so that it differs from raw only by the library) and hands the answer to
// `receive()`. One client for the pool: every POST carries its own answer.
import { JSONRPCClient, type JSONRPCParams, type JSONRPCResponse } from 'json-rpc-2.0';
import { clientMain } from '../client-main.js';
import { batchOf } from '../json-rpc-2.0.js';
import type { Outcome } from '../load.js';
import { httpPool, post } from '../web.js';

clientMain(async (target, connections) => {
  const pool = httpPool(target, connections);
  const client: JSONRPCClient = new JSONRPCClient(async (request) => {
    const text = await post(pool, JSON.stringify(request));
    if (text.length > 0) client.receive(JSON.parse(text) as JSONRPCResponse | JSONRPCResponse[]);
  });
  let nextId = 1;
  return {
    call: (method, params) => client.request(method, params as JSONRPCParams) as Promise<unknown>,
    batch(method, params): Promise<Outcome[]> {
      const first = nextId;
      nextId += params.length;
      return batchOf(client, method, params, first);
    },
    close: () => pool.close(),
    connections: () => pool.stats.connected,
  };
});
