// rpc-websockets 10's `Client` (on `ws` 8), one socket per connection, no reconnect; many calls
// in flight on it. It has no batch call, so the batch scenarios show `–` for it.
import { Client } from 'rpc-websockets';
import { clientMain, openEach } from '../client-main.js';
import type { Caller } from '../load.js';
import type { Target } from '../protocol.js';

async function openOne(target: Target): Promise<Caller> {
  const client = new Client(`ws://${target.host}:${target.port}/`, {
    autoconnect: false,
    reconnect: false,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.once('open', () => {
      client.off('error', reject);
      resolve();
    });
    client.connect();
  });
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
