// jayson 5's TCP client. It dials a new connection for every call and closes it after the
// answer, so it has no connection count to set: every scenario uses one client instance and
// has as many connections open as calls in flight.
import type { Socket } from 'node:net';
import jayson from 'jayson';
import { clientMain } from '../client-main.js';

interface Response {
  result?: unknown;
  error?: { code: number; message: string };
}

clientMain(async (target) => {
  const client = jayson.Client.tcp({ host: target.host, port: target.port });
  client.on('tcp socket', (socket: Socket) => socket.setNoDelay(true));
  return {
    call(method, params) {
      return new Promise((resolve, reject) => {
        const done = (err: Error | null, response?: Response) => {
          if (err) reject(err);
          else if (response === undefined) reject(new Error('connection ended without a response'));
          else if (response.error !== undefined) reject(new Error(response.error.message));
          else resolve(response.result);
        };
        client.request(method, params as object, done as never);
      });
    },
    async close() {},
  };
});
