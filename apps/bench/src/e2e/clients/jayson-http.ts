// jayson 5's HTTP client (`node:http` requests) with a keep-alive Agent of the scenario's
// connection count (`maxSockets`); batches are one POST.
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import jayson from 'jayson';
import { clientMain } from '../client-main.js';
import { jaysonCalls } from '../jayson.js';

clientMain(async (target, connections) => {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: connections === 'default' ? Number.POSITIVE_INFINITY : connections,
  });
  const client = jayson.Client.http({ host: target.host, port: target.port, path: '/', agent });
  client.on('http request', (req: { on(e: 'socket', fn: (s: Socket) => void): void }) =>
    req.on('socket', (socket) => socket.setNoDelay(true)),
  );
  return {
    ...jaysonCalls(client),
    async close() {
      agent.destroy();
    },
    connections: () =>
      Object.values(agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0) +
      Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0),
  };
});
