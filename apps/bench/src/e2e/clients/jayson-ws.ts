// jayson 5's WebSocket client (`Client.websocket()`, its own `ws` 7), one socket per connection;
// many calls in flight on it, batches as one message.
import jayson from 'jayson';
import type WebSocket from 'ws';
import { clientMain, openEach } from '../client-main.js';
import { jaysonCalls } from '../jayson.js';
import type { Caller } from '../load.js';
import type { Target } from '../protocol.js';
import { closeWs, opened } from '../web.js';

async function openOne(target: Target): Promise<Caller> {
  const client = jayson.Client.websocket({ url: `ws://${target.host}:${target.port}/` });
  const ws = (client as unknown as { ws: WebSocket }).ws;
  await opened(ws);
  ws.on('error', () => {});
  return { ...jaysonCalls(client), close: () => closeWs(ws) };
}

clientMain((target, connections) => openEach(connections, () => openOne(target)));
