// vscode-jsonrpc 10: its own MessageConnection over a `net` socket (Content-Length framing);
// one connection per instance, so `conns` opens one instance per connection.
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { clientMain, openEach } from '../client-main.js';
import type { Caller } from '../load.js';
import type { Target } from '../protocol.js';
import { dial } from '../sockets.js';

async function openOne(target: Target): Promise<Caller> {
  const socket = await dial(target);
  socket.on('error', () => {});
  const connection = createMessageConnection(
    new StreamMessageReader(socket),
    new StreamMessageWriter(socket),
  );
  connection.listen();
  return {
    call: (method, params) => connection.sendRequest(method, params),
    async close() {
      connection.dispose();
      socket.destroy();
    },
  };
}

clientMain((target, connections) => openEach(connections, () => openOne(target)));
