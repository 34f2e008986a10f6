// The WebSocket ceiling's client: one `ws` socket per connection, calls pipelined and matched to
// answers by id in a Map; the messages of one tick leave in one write.
import { clientMain, openEach } from '../client-main.js';
import type { Caller } from '../load.js';
import type { Target } from '../protocol.js';
import { Pending } from '../raw-rpc.js';
import { closeWs, corkedSender, dialWs } from '../web.js';

async function openRaw(target: Target): Promise<Caller> {
  const ws = await dialWs(target);
  const pending = new Pending();
  const send = corkedSender(ws);
  ws.on('message', (data: Buffer) => pending.receive(data.toString('utf8')));
  ws.on('error', (err: Error) => pending.failAll(err));
  ws.on('close', () => pending.failAll(new Error('connection closed')));
  return {
    call(method, params) {
      const { text, result } = pending.call(method, params);
      send(text);
      return result;
    },
    batch(method, params) {
      const { text, outcomes } = pending.batch(method, params);
      send(text);
      return outcomes;
    },
    close: () => closeWs(ws),
  };
}

clientMain((target, connections) => openEach(connections, () => openRaw(target)));
