// jayson 5: its WebSocket server (`Server#websocket()`, on its own `ws` 7), attached to a
// `node:http` server listening on port 0.
import { createServer } from 'node:http';
import type { WebSocketServer } from 'ws';
import { methodsOf } from '../jayson.js';
import { serverMain } from '../server-main.js';
import { listenNet } from '../sockets.js';

serverMain(async (host) => {
  const http = createServer((_req, res) => res.writeHead(426).end());
  // Typed as ws 8's server (the bench's `ws`): jayson's is ws 7, with the same API here.
  const wss = methodsOf().websocket({ server: http }) as unknown as WebSocketServer;
  wss.on('connection', (ws) => ws.on('error', () => {}));
  const started = await listenNet(http, host);
  return {
    port: started.port,
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      return started.close();
    },
  };
});
