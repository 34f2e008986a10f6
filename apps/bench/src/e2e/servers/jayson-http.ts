// jayson 5: its HTTP server (`Server#http()`, a `node:http` server), methods as `(args, callback)`.
import type { Socket } from 'node:net';
import { methodsOf } from '../jayson.js';
import { serverMain } from '../server-main.js';
import { listenNet } from '../sockets.js';

serverMain((host) => {
  const http = methodsOf().http();
  http.on('connection', (socket: Socket) => socket.setNoDelay(true));
  return listenNet(http, host);
});
