// jayson 5: its TCP server (NDJSON), methods as `(args, callback)`.
import jayson from 'jayson';
import { type AddParams, add } from '../methods.js';
import { serverMain } from '../server-main.js';
import { listenNet } from '../sockets.js';

type Callback = (err: null, result: unknown) => void;

serverMain((host) => {
  const server = new jayson.Server({
    'ArithService.Add': (args: AddParams, callback: Callback) => callback(null, add(args)),
    echo: (args: unknown, callback: Callback) => callback(null, args),
  } as unknown as ConstructorParameters<typeof jayson.Server>[0]);
  const tcp = server.tcp();
  tcp.on('connection', (socket: import('node:net').Socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
  });
  return listenNet(tcp, host);
});
