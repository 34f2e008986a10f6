import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { start, tlsCert, tlsKey } from './spec-process.js';

const ca = readFileSync(tlsCert);
const add = '{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":10,"b":20},"id":1}';
const answer = '{"jsonrpc":"2.0","result":{"result":30},"id":1}';

/** Opens a WebSocket and resolves with the first message answering `text`. */
async function wsCall(url: string, text: string, options: { ca?: Buffer } = {}): Promise<string> {
  const ws = new WebSocket(url, options);
  onTestFinished(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(text);
  const data = await new Promise<Buffer>((resolve) =>
    ws.once('message', (message: Buffer) => resolve(message)),
  );
  ws.close();
  return data.toString();
}

describe('spec-server --transport http and --tls', () => {
  it('--transport http: POST and WebSocket on one port, health check, exits 0 on SIGTERM', async () => {
    const server = await start('--transport', 'http');
    expect(server.stdout()).toBe(`listening http://127.0.0.1:${server.port}\n`);
    const url = `http://127.0.0.1:${server.port}/`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: add,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(answer);
    expect((await fetch(`${url}health`)).status).toBe(200);
    expect(await wsCall(`ws://127.0.0.1:${server.port}/`, add)).toBe(answer);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('--tls over TCP prints tls:// and speaks NDJSON over TLS', async () => {
    const server = await start('--tls', `${tlsKey},${tlsCert}`);
    expect(server.scheme).toBe('tls');
    const socket = connect({ port: server.port, host: '127.0.0.1', ca });
    onTestFinished(() => {
      socket.destroy();
    });
    socket.setEncoding('utf8');
    socket.write(`${add}\n`);
    let text = '';
    for await (const chunk of socket) {
      text += chunk;
      if (text.endsWith('\n')) break;
    }
    expect(text).toBe(`${answer}\n`);
  });

  it('--transport http --tls prints https:// and serves HTTPS and WSS', async () => {
    const server = await start('--transport', 'http', '--tls', `${tlsKey},${tlsCert}`);
    expect(server.stdout()).toBe(`listening https://127.0.0.1:${server.port}\n`);
    const body = await new Promise<string>((resolve, reject) => {
      const call = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          ca,
          agent: false,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        },
      );
      call.on('error', reject);
      call.end(add);
    });
    expect(body).toBe(answer);
    expect(await wsCall(`wss://127.0.0.1:${server.port}/`, add, { ca })).toBe(answer);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });
});
