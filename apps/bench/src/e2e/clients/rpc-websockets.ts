// rpc-websockets 10's `Client` (on `ws` 8), one socket per connection, no reconnect; many calls
// in flight on it. It has no batch call, so the batch scenarios show `–` for it.
import { Client } from 'rpc-websockets';
import { clientMain, openEach } from '../client-main.js';
import type { Caller } from '../load.js';
import type { Target } from '../protocol.js';
import { opened } from '../web.js';

async function openOne(target: Target): Promise<Caller> {
  const client = new Client(`ws://${target.host}:${target.port}/`, {
    autoconnect: false,
    reconnect: false,
  });
  const open = opened(client as unknown as NodeJS.EventEmitter);
  client.connect();
  await open;
  client.on('error', () => {});
  return {
    call: (method, params) => client.call(method, params as object),
    close: () =>
      new Promise((resolve) => {
        client.once('close', () => resolve());
        client.close();
      }),
  };
}

clientMain((target, connections) => openEach(connections, () => openOne(target)));
