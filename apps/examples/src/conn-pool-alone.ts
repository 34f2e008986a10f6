// @rerpc/conn-pool on its own, for something that is not rerpc: a pool of TCP connections to a
// tiny line-based "UPPER" service. 20 concurrent jobs share at most 3 sockets.
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { createPool, createTcpConnector } from '@rerpc/conn-pool';

const server = createServer((socket) => {
  socket.setEncoding('utf8');
  socket.on('data', (line: string) => socket.write(line.toUpperCase()));
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };

const pool = createPool({
  ...createTcpConnector({ host: '127.0.0.1', port }, { dialTimeout: 1000 }),
  maxActive: 3,
  maxIdle: 3,
  acquireTimeout: 5000,
});

async function upper(word: string): Promise<string> {
  const socket: Socket = await pool.acquire();
  try {
    socket.write(`${word}\n`);
    const [reply] = await once(socket, 'data');
    return String(reply).trim();
  } finally {
    pool.release(socket);
  }
}

const words = Array.from({ length: 20 }, (_, i) => `word${i}`);
const replies = await Promise.all(words.map(upper));
console.log(`20 jobs answered: ${replies.slice(0, 3).join(', ')}, …`);
const s = pool.stats();
console.log(`connections created: ${s.created} (maxActive 3), idle now: ${s.idle}`);
await pool.close();
server.close();
