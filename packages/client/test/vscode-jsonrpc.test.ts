// Interop with vscode-jsonrpc 10.0.0 (the JSON-RPC layer of VS Code and its language servers):
// rerpc's client cancels its handlers ($/cancelRequest fires their CancellationToken), and its
// sendRequest / sendNotification reach the client's handlers; over TCP (Content-Length) and over
// a child process's stdio.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type CancellationToken,
  createMessageConnection,
  type MessageConnection,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-jsonrpc/node';
import { type Client, createClient } from '../src/index.js';
import { connect, rejection } from './helpers.js';

/** A vscode-jsonrpc server on 127.0.0.1; resolves its port and its connection once one opens. */
async function vscodeServer(setup: (connection: MessageConnection) => void) {
  let opened!: (connection: MessageConnection) => void;
  const connection = new Promise<MessageConnection>((resolve) => {
    opened = resolve;
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const c = createMessageConnection(
      new SocketMessageReader(socket),
      new SocketMessageWriter(socket),
    );
    setup(c);
    c.listen();
    opened(c);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as { port: number }).port, connection };
}

describe('vscode-jsonrpc over TCP (Content-Length)', () => {
  it("cancels its handler: a timed-out call fires the handler's CancellationToken", async () => {
    let cancelled!: (params: unknown) => void;
    const fired = new Promise((resolve) => {
      cancelled = resolve;
    });
    const { port } = await vscodeServer((c) => {
      c.onRequest('ping', () => 'pong');
      c.onRequest('slow', (params: unknown, token: CancellationToken) => {
        return new Promise((resolve) => {
          token.onCancellationRequested(() => {
            cancelled(params);
            resolve('late');
          });
        });
      });
    });
    const client = connect(port, { framing: 'content-length' });
    expect(await client.call('ping', [], { timeout: 10_000 })).toBe('pong');
    // Not shorter: vscode-jsonrpc answers a cancel for a request it has not dispatched yet without
    // calling the handler at all (5 ms lost that race on a loaded machine).
    const error = await rejection(client.call('slow', { job: 1 }, { timeout: 1_000 }));
    expect(error).toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    expect(await fired).toEqual({ job: 1 });
  });

  it("reaches the client's handlers with sendRequest and sendNotification", async () => {
    const { port, connection } = await vscodeServer((c) => c.onRequest('ping', () => 'pong'));
    const client = connect(port, { framing: 'content-length' });
    client.method('Client.add', ({ a, b }: { a: number; b: number }) => a + b);
    let notified!: (params: unknown) => void;
    const note = new Promise((resolve) => {
      notified = resolve;
    });
    client.onNotification('window/logMessage', (params: unknown) => notified(params));
    await client.call('ping', [], { timeout: 10_000 });
    const c = await connection;
    expect(await c.sendRequest('Client.add', { a: 2, b: 40 })).toBe(42);
    await expect(c.sendRequest('Client.missing')).rejects.toMatchObject({ code: -32601 });
    await c.sendNotification('window/logMessage', { type: 3, message: 'hello' });
    expect(await note).toEqual({ type: 3, message: 'hello' });
  });
});

describe("vscode-jsonrpc over a child process's stdio", () => {
  function child(): Client {
    const fixture = new URL('./fixtures/vscode-peer.cjs', import.meta.url).pathname;
    const proc = spawn(process.execPath, [fixture], { stdio: ['pipe', 'pipe', 'inherit'] });
    onTestFinished(async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill();
        await once(proc, 'exit');
      }
    });
    const client = createClient({ readable: proc.stdout, writable: proc.stdin });
    onTestFinished(() => client.close({ timeout: 0 }));
    return client;
  }

  it("an aborted call fires the child's CancellationToken; its sendRequest reaches the client", async () => {
    const client = child();
    let cancelled!: (params: unknown) => void;
    const fired = new Promise((resolve) => {
      cancelled = resolve;
    });
    client.onNotification('cancelled', (params: unknown) => cancelled(params));
    const controller = new AbortController();
    const call = client.call('slow', { job: 2 }, { signal: controller.signal, timeout: 10_000 });
    // Abort once the child is running it: it asks the client first.
    client.method('Client.add', ({ a, b }: { a: number; b: number }) => a + b);
    expect(await client.call('ask', { a: 1, b: 2 }, { timeout: 10_000 })).toBe(3);
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    expect(await fired).toEqual({ job: 2 });
  });
});
