// Clients nobody here wrote, against the spec server over HTTP and WebSocket: undici's fetch
// (Node's global fetch), jayson 5's HTTP client, json-rpc-2.0's client over fetch, a bare `ws`.
import { readFileSync } from 'node:fs';
import jayson from 'jayson';
import { JSONRPCClient, type JSONRPCResponse } from 'json-rpc-2.0';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { type Running, start } from './spec-process.js';

const json = { 'content-type': 'application/json' };

async function httpServer(): Promise<Running & { url: string }> {
  const server = await start('--transport', 'http');
  return { ...server, url: `http://127.0.0.1:${server.port}/` };
}

async function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  onTestFinished(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/** The process's resident set size in bytes, from /proc (Linux). */
function rss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

describe('interop over HTTP and WebSocket (spec-server --transport http)', () => {
  it("undici fetch: a call, a batch, a notification (204), and the server's refusals", async () => {
    const { url } = await httpServer();
    const call = await fetch(url, {
      method: 'POST',
      headers: json,
      body: '{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}',
    });
    expect(call.headers.get('content-type')).toBe('application/json');
    expect(await call.json()).toEqual({ jsonrpc: '2.0', result: 19, id: 1 });
    const batch = await fetch(url, {
      method: 'POST',
      headers: json,
      body: '[{"jsonrpc":"2.0","method":"sum","params":[1,2,4],"id":"1"},{"jsonrpc":"2.0","method":"notify_hello","params":[7]},{"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"}]',
    });
    const answers = (await batch.json()) as Array<{ id: string }>;
    expect(answers.map((a) => a.id).sort()).toEqual(['1', '5']);
    const note = await fetch(url, {
      method: 'POST',
      headers: json,
      body: '{"jsonrpc":"2.0","method":"update","params":[1,2,3,4,5]}',
    });
    expect(note.status).toBe(204);
    expect(await note.text()).toBe('');
    expect((await fetch(url)).status).toBe(405);
    const plain = await fetch(url, { method: 'POST', body: '{}' });
    expect(plain.status).toBe(415);
  });

  it("jayson 5's HTTP client: calls, an RpcError's code and data, a batch", async () => {
    const { port } = await httpServer();
    const client = jayson.client.http({ host: '127.0.0.1', port, path: '/' });
    const request = (method: string, params: unknown) =>
      new Promise<unknown>((resolve, reject) =>
        client.request(
          method,
          params as jayson.RequestParamsLike,
          (error: unknown, response: unknown) => (error ? reject(error) : resolve(response)),
        ),
      );
    expect(await request('ArithService.Add', { a: 10, b: 20 })).toMatchObject({
      result: { result: 30 },
    });
    expect(await request('fail', { code: 4001, message: 'Nope', data: [1] })).toMatchObject({
      error: { code: 4001, message: 'Nope', data: [1] },
    });
    // jayson builds a batch from requests made without a callback (each gets its own id).
    const batch = [client.request('sum', [1, 2]), client.request('echo', ['x'])];
    const answers = await new Promise<unknown>((resolve, reject) =>
      client.request(batch, (error: unknown, responses: unknown) =>
        error ? reject(error) : resolve(responses),
      ),
    );
    expect(answers).toEqual([
      expect.objectContaining({ result: 3 }),
      expect.objectContaining({ result: ['x'] }),
    ]);
  });

  it("json-rpc-2.0's JSONRPCClient over fetch: request, error, notify", async () => {
    const { url } = await httpServer();
    const client: JSONRPCClient = new JSONRPCClient(async (request) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(request),
      });
      if (res.status === 200) client.receive((await res.json()) as JSONRPCResponse);
      else if (request.id !== undefined) throw new Error(`HTTP ${res.status}`);
    });
    expect(await client.request('sum', [1, 2, 4])).toBe(7);
    await expect(client.request('ArithService.Divide', { a: 1, b: 0 })).rejects.toMatchObject({
      code: -32603,
      data: 'division by zero',
    });
    client.notify('notify_hello', [7]);
    expect(await client.request('echo', { k: 'v' })).toEqual({ k: 'v' });
  });

  it('a bare ws client: many calls in flight on one socket, answered by id', async () => {
    const { port } = await httpServer();
    const ws = await openWs(`ws://127.0.0.1:${port}/`);
    const answers = new Map<number, unknown>();
    const all = new Promise<void>((resolve) =>
      ws.on('message', (data: Buffer) => {
        const answer = JSON.parse(data.toString()) as { id: number; result: unknown };
        answers.set(answer.id, answer.result);
        if (answers.size === 100) resolve();
      }),
    );
    for (let id = 0; id < 100; id++) {
      const ms = id % 2 === 0 ? 20 : 0;
      const method = ms === 0 ? 'echo' : 'sleep';
      ws.send(
        JSON.stringify({ jsonrpc: '2.0', method, params: method === 'echo' ? [id] : { ms }, id }),
      );
    }
    await all;
    for (let id = 0; id < 100; id++) expect(answers.get(id)).toEqual(id % 2 === 0 ? 20 : [id]);
  });
});

describe('a slow WebSocket reader', () => {
  it.skipIf(process.platform !== 'linux')(
    'sends and never reads: server memory stays bounded while another client is answered',
    async () => {
      const server = await httpServer();
      const pid = server.child.pid!;
      const wsUrl = `ws://127.0.0.1:${server.port}/`;
      const other = await openWs(wsUrl);
      const ping = async (id: number) => {
        other.send(`{"jsonrpc":"2.0","method":"echo","params":[${id}],"id":${id}}`);
        const data = await new Promise<Buffer>((resolve) =>
          other.once('message', (message: Buffer) => resolve(message)),
        );
        return JSON.parse(data.toString()) as { result: unknown };
      };
      await ping(0);
      const before = rss(pid);
      const slow = await openWs(wsUrl);
      slow.pause(); // never reads its answers
      const payload = 'x'.repeat(64 * 1024);
      const count = 1024; // 64 MiB of answers the server would otherwise hold
      for (let id = 0; id < count; id++) {
        slow.send(`{"jsonrpc":"2.0","method":"echo","params":["${payload}"],"id":${id}}`);
      }
      // Wait until the server stops reading (what the slow client has not sent stops shrinking).
      let last = -1;
      let stable = 0;
      for (let i = 0; i < 400 && stable < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const buffered = slow.bufferedAmount;
        stable = buffered === last ? stable + 1 : 0;
        last = buffered;
      }
      expect(stable).toBe(5);
      const held = count * payload.length - last; // bytes the server took in
      const growth = rss(pid) - before;
      // Answers it did not buffer: it stopped reading instead.
      expect(last).toBeGreaterThan(32 * 1024 * 1024);
      expect(growth).toBeLessThan(32 * 1024 * 1024);
      expect(slow.readyState).toBe(WebSocket.OPEN);
      for (let id = 1; id <= 5; id++) expect((await ping(id)).result).toEqual([id]);
      const res = await fetch(server.url, {
        method: 'POST',
        headers: json,
        body: '{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}',
      });
      expect(await res.json()).toMatchObject({ result: 3 });
      console.log(
        `slow reader: server took ${(held / 2 ** 20).toFixed(1)} MiB of requests, RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB; ${(last / 2 ** 20).toFixed(1)} MiB left unsent in the client`,
      );
    },
  );
});
