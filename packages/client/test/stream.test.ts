// Stream targets: a client over any stream pair (a child process's stdio, a Duplex), one
// connection in Content-Length frames by default, never redialled.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type Client, ConnectionError, createClient } from '../src/index.js';
import { tcpPeer } from './fixtures/peer.js';
import { rejection } from './helpers.js';

function child(): ChildProcess {
  const proc = spawn(
    process.execPath,
    [new URL('./fixtures/stdio-peer.mjs', import.meta.url).pathname],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  onTestFinished(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill();
      await once(proc, 'exit');
    }
  });
  return proc;
}

function over(proc: ChildProcess): Client {
  const client = createClient({ readable: proc.stdout!, writable: proc.stdin! });
  onTestFinished(() => client.close({ timeout: 0 }));
  return client;
}

describe("a child process's stdio", () => {
  it('carries calls, calls from the child, and a subscription (Content-Length by default)', async () => {
    const proc = child();
    const client = over(proc);
    client.method('Client.name', (_params: unknown, ctx) => `rerpc over ${ctx.link.transport}`);
    let unsubscribed!: (text: unknown) => void;
    const logged = new Promise((resolve) => {
      unsubscribed = resolve;
    });
    client.onNotification('log', (params: unknown[]) => unsubscribed(params[0]));
    expect(await client.call('add', [2, 3], { timeout: 10_000 })).toBe(5);
    expect(await client.call('callBack')).toBe('rerpc over stream');
    const ticks: number[] = [];
    for await (const tick of client.subscribe<number>('ticks', [3])) {
      ticks.push(tick);
      if (tick === 3) break;
    }
    expect(ticks).toEqual([1, 2, 3]);
    // The unsubscribe's answer is followed by the child's log notification.
    expect(await logged).toBe('unsubscribed');
  });

  it('close() ends stdin: the child exits', async () => {
    const proc = child();
    const client = over(proc);
    await client.call('add', [1, 1], { timeout: 10_000 });
    const exited = once(proc, 'exit');
    await client.close();
    expect((await exited)[0]).toBe(0);
  });

  it('fails calls with ConnectionError once the child is gone, without redialling', async () => {
    const proc = child();
    const client = over(proc);
    await client.call('add', [1, 1], { timeout: 10_000 });
    proc.kill();
    await once(proc, 'exit');
    const error = await rejection(client.call('add', [1, 2]));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(client.stats().connections.dialled).toBe(1);
  });
});

describe('{ stream: duplex }', () => {
  it('speaks Content-Length by default and NDJSON when asked', async () => {
    for (const framing of ['content-length', 'ndjson'] as const) {
      const peer = await tcpPeer(framing);
      const socket = netConnect(peer.port, '127.0.0.1');
      await once(socket, 'connect');
      const client = createClient({ stream: socket }, framing === 'ndjson' ? { framing } : {});
      onTestFinished(() => client.close({ timeout: 0 }));
      const call = client.call('echo', [framing]);
      const request = await peer.next();
      expect(request).toMatchObject({ method: 'echo', params: [framing] });
      peer.send({ jsonrpc: '2.0', result: 'ok', id: request['id'] });
      await expect(call).resolves.toBe('ok');
    }
  });

  it('refuses targets and options that do not fit a stream', () => {
    const socket = netConnect(1, '127.0.0.1');
    socket.on('error', () => {});
    onTestFinished(() => {
      socket.destroy();
    });
    expect(() => createClient({ stream: {} } as never)).toThrow('stream must be a Duplex stream');
    expect(() => createClient({ stream: socket, readable: socket } as never)).toThrow('not both');
    expect(() => createClient({ readable: socket } as never)).toThrow(
      'needs a readable stream and a writable stream',
    );
    expect(() => createClient({ stream: socket }, { headers: { a: 'b' } })).toThrow(
      'headers applies only',
    );
    expect(() => createClient({ stream: socket }, { tls: {} })).toThrow('tls does not apply');
  });
});
