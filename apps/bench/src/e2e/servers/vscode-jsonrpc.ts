// vscode-jsonrpc 10: Content-Length framing over a `net` socket, one MessageConnection per
// socket with StreamMessageReader/Writer.
import { createServer } from 'node:net';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { type AddParams, add } from '../methods.js';
import { serverMain } from '../server-main.js';
import { listenNet } from '../sockets.js';

serverMain((host) => {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => {});
    const connection = createMessageConnection(
      new StreamMessageReader(socket),
      new StreamMessageWriter(socket),
    );
    connection.onRequest('ArithService.Add', (params: AddParams) => add(params));
    connection.onRequest('echo', (params: unknown) => params);
    socket.on('close', () => connection.dispose());
    connection.listen();
  });
  return listenNet(server, host);
});
