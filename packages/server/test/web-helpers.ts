import { readFileSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';
import { expect, onTestFinished } from 'vitest';
import { type ClientOptions, WebSocket } from 'ws';
import type { ListenOptions, Server, ServerOptions, WebOptions } from '../src/index.js';
import { type Deferred, deferred, makeServer } from './helpers.js';

/** The test key and self-signed certificate (CN=localhost, SAN DNS:localhost, IP:127.0.0.1). */
export const tlsFixture = {
  key: readFileSync(new URL('./fixtures/tls/key.pem', import.meta.url)),
  cert: readFileSync(new URL('./fixtures/tls/cert.pem', import.meta.url)),
};

/** A server listening for HTTP + WebSocket on 127.0.0.1; closed at once when the test ends. */
export async function listenHttp(
  options?: ServerOptions,
  web: WebOptions & { tls?: ListenOptions['tls'] } = {},
): Promise<{ server: Server; port: number; url: string }> {
  const server = makeServer(options);
  const address = await server.listen({ transport: 'http', port: 0, host: '127.0.0.1', ...web });
  if (!('port' in address)) throw new Error('expected a TCP address');
  const scheme = web.tls === undefined ? 'http' : 'https';
  return { server, port: address.port, url: `${scheme}://127.0.0.1:${address.port}/` };
}

/** A keep-alive agent destroyed when the test ends. */
export function keepAliveAgent(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  onTestFinished(() => agent.destroy());
  return agent;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with node:http (no agent unless given); resolves with the whole response. */
export function send(
  port: number,
  {
    method = 'POST',
    path = '/',
    headers = { 'content-type': 'application/json' },
    body,
    agent,
  }: {
    method?: string;
    path?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    agent?: Agent;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, agent: agent ?? false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs a JSON text with fetch (undici, keep-alive); resolves with status, headers and body. */
export async function post(
  url: string,
  body: string,
  contentType = 'application/json',
): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** A bare `ws` client: answers arrive in order through `next()`; `closed` has the close code. */
export async function openWs(
  url: string,
  options: ClientOptions = {},
): Promise<{
  ws: WebSocket;
  next(): Promise<string>;
  call(text: string): Promise<unknown>;
  closed: Promise<{ code: number; reason: string }>;
}> {
  const ws = new WebSocket(url, options);
  onTestFinished(() => ws.terminate());
  const messages: string[] = [];
  let waiters: Array<Deferred<string>> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code: number, reason: Buffer) => {
      for (const w of waiters) w.reject(new Error(`closed with ${code}`));
      waiters = [];
      resolve({ code, reason: reason.toString() });
    }),
  );
  ws.on('message', (data: Buffer) => {
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter.resolve(data.toString());
    else messages.push(data.toString());
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const next = (): Promise<string> => {
    const message = messages.shift();
    if (message !== undefined) return Promise.resolve(message);
    if (ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('closed'));
    const d = deferred<string>();
    waiters.push(d);
    return d.promise;
  };
  return {
    ws,
    next,
    call: async (text: string) => {
      ws.send(text);
      return JSON.parse(await next());
    },
    closed,
  };
}

/** The HTTP status a WebSocket upgrade is refused with. */
export function upgradeStatus(url: string, options: ClientOptions = {}): Promise<number> {
  const ws = new WebSocket(url, options);
  ws.on('error', () => {});
  onTestFinished(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
  });
}

/** Writes `text` on a raw socket; resolves with all the server sent once the socket closes. */
export function rawExchange(port: number, text: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  onTestFinished(() => {
    socket.destroy();
  });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.write(text);
  return new Promise((resolve) => socket.on('close', () => resolve(received)));
}

/**
 * A request with `Expect: 100-continue` that sends its body only on `100 Continue`: whether
 * that came, and the final status.
 */
export function askToContinue(
  port: number,
  headers: Record<string, string | number>,
  body: string,
  { method = 'POST', agent }: { method?: string; agent?: Agent } = {},
): Promise<{ continued: boolean; status: number }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const call = request({
      host: '127.0.0.1',
      port,
      method,
      agent: agent ?? false,
      headers: { ...headers, expect: '100-continue' },
    });
    call.on('continue', () => {
      continued = true;
      call.end(body);
    });
    call.on('response', (res) => {
      res.resume();
      if (!continued) call.destroy();
      resolve({ continued, status: res.statusCode! });
    });
    call.on('error', (error) => (continued ? reject(error) : undefined));
    call.flushHeaders();
  });
}

/** Turns of the event loop (real I/O runs) until `ready()` holds; at most 200. */
export async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(ready()).toBe(true);
}
