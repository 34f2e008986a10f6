// jayson 5: its TCP server (NDJSON), methods as `(args, callback)`.
import { methodsOf } from '../jayson.js';
import { serverMain } from '../server-main.js';
import { listenNet } from '../sockets.js';

serverMain((host) => {
  const tcp = methodsOf().tcp();
  tcp.on('connection', (socket: import('node:net').Socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
  });
  return listenNet(tcp, host);
});
