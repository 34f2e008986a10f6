// The ceiling's client: one `net` socket, NDJSON, calls pipelined and matched to responses by
// id in a Map; the calls issued in one tick leave in one write.
import { clientMain, openEach } from '../client-main.js';
import type { Caller } from '../load.js';
import { corkedWriter, onLines } from '../ndjson.js';
import type { Target } from '../protocol.js';
import { dial } from '../sockets.js';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Response {
  result?: unknown;
  error?: { code: number; message: string };
  id: number;
}

async function openRaw(target: Target): Promise<Caller> {
  const socket = await dial(target);
  const pending = new Map<number, Pending>();
  const write = corkedWriter(socket);
  let nextId = 1;
  onLines(socket, (line) => {
    const response = JSON.parse(line) as Response;
    const call = pending.get(response.id);
    if (call === undefined) return;
    pending.delete(response.id);
    if (response.error !== undefined) call.reject(new Error(response.error.message));
    else call.resolve(response.result);
  });
  const failAll = (err: Error) => {
    for (const call of pending.values()) call.reject(err);
    pending.clear();
  };
  socket.on('error', failAll);
  socket.on('close', () => failAll(new Error('connection closed')));
  return {
    call(method, params) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        write(`${JSON.stringify({ jsonrpc: '2.0', method, params, id })}\n`);
      });
    },
    close() {
      return new Promise((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
      });
    },
  };
}

clientMain((target, connections) => openEach(connections, () => openRaw(target)));
