import { type AddressInfo, connect, type Server, type Socket } from 'node:net';
import type { Target } from './protocol.js';
import type { StartedServer } from './server-main.js';

/** Listens on `host`, port 0, and returns the port with a close that also ends open connections. */
export function listenNet(server: Server, host: string): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      // Accept errors (EMFILE under the stress burst) must not kill the server process.
      server.on('error', (err) => console.error(`[server] ${err.message}`));
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
  });
}

/** One TCP connection with Nagle off (every contender gets the same). */
export function dial(target: Target): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
