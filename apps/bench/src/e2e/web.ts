// HTTP and WebSocket plumbing shared by the contenders that have no transport of their own (raw,
// json-rpc-2.0): a `node:http` server reading whole POST bodies, an undici keep-alive `Pool`
// posting them, and `ws` servers and clients whose sends of one tick leave in one write.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Pool } from 'undici';
import { WebSocket, WebSocketServer } from 'ws';
import type { Connections, Target } from './protocol.js';
import type { StartedServer } from './server-main.js';
import { listenNet } from './sockets.js';

/** Answers one POST body with the JSON text to send back, or null for 204 (notifications only). */
export type AnswerBody = (body: string) => string | null | PromiseLike<string | null>;

function reply(res: ServerResponse, answer: string | null): void {
  if (answer === null) {
    res.writeHead(204).end();
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(answer),
  });
  res.end(answer);
}

/** A `node:http` server answering every POST body through `answer`; keep-alive (Node's default). */
export function serveHttp(host: string, answer: AnswerBody): Promise<StartedServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    req.setEncoding('utf8');
    let body = '';
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const out = answer(body);
      if (typeof out === 'string' || out === null) reply(res, out);
      else out.then((text) => reply(res, text));
    });
  });
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  return listenNet(server, host);
}

/** An undici keep-alive pool to the target: `connections` of them (HTTP/1.1, no pipelining). */
export function httpPool(target: Target, connections: Connections): Pool {
  return new Pool(`http://${target.host}:${target.port}`, {
    connections: connections === 'default' ? null : connections,
    pipelining: 1,
  });
}

/** POSTs one JSON-RPC body and resolves with the answer's text ('' for 204). */
export async function post(pool: Pool, body: string): Promise<string> {
  const { statusCode, body: answer } = await pool.request({
    path: '/',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await answer.text();
  if (statusCode !== 200 && statusCode !== 204) throw new Error(`HTTP ${statusCode}: ${text}`);
  return text;
}

/** The TCP socket under a `ws` WebSocket (ws keeps it on `_socket`). */
function socketOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/**
 * Sends text messages corked until the current tick's promise jobs have run, so the messages of
 * one tick (answers to one read, or a wave of calls) leave in one write, as the TCP raw contender's.
 */
export function corkedSender(ws: WebSocket): (text: string) => void {
  const socket = socketOf(ws);
  socket.setNoDelay(true);
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return (text) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    ws.send(text);
  };
}

/** Answers every text message through `answer` on a `ws` server (port 0), for any path. */
export function serveWs(host: string, answer: AnswerBody): Promise<StartedServer> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      const send = corkedSender(ws);
      ws.on('message', (data: Buffer) => {
        const out = answer(data.toString('utf8'));
        if (typeof out === 'string') send(out);
        else if (out !== null) out.then((text) => text !== null && send(text));
      });
    });
  });
  return listenNet(server, host).then((started) => ({
    port: started.port,
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      return started.close();
    },
  }));
}

/** Opens one WebSocket to the target (path `/`), resolved once open. */
export async function dialWs(target: Target): Promise<WebSocket> {
  const ws = new WebSocket(`ws://${target.host}:${target.port}/`, { maxPayload: 64 * 1024 * 1024 });
  await opened(ws);
  return ws;
}

/** Resolves on the emitter's 'open' event, rejects on an 'error' before it. */
export async function opened(emitter: NodeJS.EventEmitter): Promise<void> {
  await once(emitter, 'open');
}

/** Closes a WebSocket and resolves once it is closed (or at once if it already is). */
export function closeWs(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });
}
