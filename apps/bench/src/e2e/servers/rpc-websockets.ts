// rpc-websockets 10: its `Server` (on `ws` 8), methods registered with `register(name, fn)`.
import { Server } from 'rpc-websockets';
import { type AddParams, add } from '../methods.js';
import { serverMain } from '../server-main.js';

serverMain(
  (host) =>
    new Promise((resolve, reject) => {
      const server = new Server({ host, port: 0 });
      server.register('ArithService.Add', (params) => add(params as unknown as AddParams));
      server.register('echo', (params) => params);
      server.on('error', reject);
      server.on('listening', () => {
        const address = server.wss.address();
        if (typeof address !== 'object' || address === null) {
          reject(new Error('rpc-websockets listened without a TCP port'));
          return;
        }
        resolve({ port: address.port, close: () => server.close() });
      });
    }),
);
