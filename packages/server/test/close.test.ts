import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { AbortError, createServer, ListenError, ServerClosedError } from '../src/index.js';
import { abortReason, deferred, listening, makeServer, Peer, req, stuck } from './helpers.js';

/** A method whose calls wait until `open()`; resolves `started` after `n` calls began. */
function latch(n: number) {
  const started = deferred();
  const opened = deferred();
  let count = 0;
  return {
    handler: (params: unknown) => {
      if (++count === n) started.resolve();
      return opened.promise.then(() => params);
    },
    started: started.promise,
    open: () => opened.resolve(),
  };
}

describe('close()', () => {
  it('answers every call in flight on every connection, then ends them and resolves', async () => {
    const { server, port } = await listening();
    const gate = latch(60);
    server.method('gate', gate.handler);
    const peers = await Promise.all([1, 2, 3].map(() => Peer.connect(port)));
    peers.forEach((peer, p) => {
      peer.send(...Array.from({ length: 20 }, (_, i) => req('gate', [p, i], `${p}-${i}`)));
    });
    await gate.started;
    const closed = server.close();
    gate.open();
    for (const [p, peer] of peers.entries()) {
      const got = (await peer.take(20)) as Array<{ id: string; result: number[] }>;
      expect(got.map((r) => r.id).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `${p}-${i}`).sort(),
      );
      for (const r of got) expect(r.id).toBe(`${r.result[0]}-${r.result[1]}`);
      await peer.ended;
    }
    await closed;
    expect(server.stats()).toMatchObject({
      connections: { open: 0, total: 3 },
      calls: { total: 60, inFlight: 0 },
    });
  });

  it('answers requests that arrive while closing with -32002 and runs none of them', async () => {
    const { server, port } = await listening();
    const gate = latch(1);
    let ran = 0;
    server.method('gate', gate.handler);
    server.method('count', () => ++ran);
    const peer = await Peer.connect(port);
    peer.send(req('gate', ['first'], 'first'));
    await gate.started;
    const closed = server.close();
    peer.send(
      req('count', [], 'late'),
      `[${req('count', [], 'b1')},{"jsonrpc":"2.0","method":"count"}]`,
    );
    expect(await peer.take(2)).toEqual([
      {
        jsonrpc: '2.0',
        error: {
          code: -32002,
          message: 'Server is shutting down',
          data: 'the request arrived after the server began to close; it was not run',
        },
        id: 'late',
      },
      [
        {
          jsonrpc: '2.0',
          error: {
            code: -32002,
            message: 'Server is shutting down',
            data: 'the request arrived after the server began to close; it was not run',
          },
          id: 'b1',
        },
      ],
    ]);
    gate.open();
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: ['first'], id: 'first' });
    await peer.ended;
    await closed;
    expect(ran).toBe(0);
  });

  it('stops accepting connections at once', async () => {
    const { server, port } = await listening();
    const gate = latch(1);
    server.method('gate', gate.handler);
    const peer = await Peer.connect(port);
    peer.send(req('gate'));
    await gate.started;
    const closed = server.close();
    await expect(Peer.connect(port)).rejects.toThrow(/ECONNREFUSED/);
    gate.open();
    await peer.next();
    await closed;
  });

  it('half-closes idle connections at once', async () => {
    const { server, port } = await listening();
    const peer = await Peer.connect(port);
    peer.send(req('echo', [1]));
    await peer.next();
    await server.close();
    await peer.ended;
    expect(await peer.closed).toBe(false);
  });

  it('ends a connection at once on a framing error, without waiting out closeGrace', async () => {
    const { port } = await listening({ framing: 'content-length', closeGrace: 600_000 });
    const peer = await Peer.connect(port, 'content-length');
    peer.write('Content-Length: nope\r\n\r\n{}');
    expect(await peer.nextJson()).toMatchObject({ error: { code: -32700 }, id: null });
    await peer.ended;
    expect(await peer.closed).toBe(false);
  });

  it('ends a connection at once on an oversize frame, without waiting out closeGrace', async () => {
    const { port } = await listening({ maxMessageBytes: 100, closeGrace: 600_000 });
    const peer = await Peer.connect(port);
    peer.send(req('echo', ['x'.repeat(200)]));
    expect(await peer.nextJson()).toMatchObject({ error: { code: -32600 }, id: null });
    await peer.ended;
    expect(await peer.closed).toBe(false);
  });

  it('ends at once when a peer half-closes during the grace period (allowHalfOpen)', async () => {
    const { server, port } = await listening({ allowHalfOpen: true, closeGrace: 600_000 });
    const peer = await Peer.connect(port);
    peer.send(req('echo', [1]));
    await peer.next();
    const closed = server.close();
    // The server keeps reading during its grace period: what arrives is refused.
    peer.send(req('echo', [2], 2));
    expect(await peer.nextJson()).toMatchObject({ error: { code: -32002 }, id: 2 });
    peer.socket.end();
    await peer.ended;
    expect(await peer.closed).toBe(false);
    await closed;
  });

  it('extends the grace period at most 8 times while requests keep arriving, then ends', async () => {
    // Only the timers are faked: the grace period's end is stepped by hand, sockets stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const { server, port } = await listening({ closeGrace: 1000 });
    const peer = await Peer.connect(port);
    const closed = server.close({ timeout: Number.POSITIVE_INFINITY });
    // The first period and 8 extensions: a request in each is refused, so the server still reads.
    for (let period = 0; period < 9; period++) {
      peer.send(req('echo', [period], period));
      expect(await peer.nextJson()).toMatchObject({ error: { code: -32002 }, id: period });
      vi.advanceTimersByTime(1000);
      // The period's end reads once more (a setImmediate) before it extends or half-closes.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // A request arrived in the 9th period too, yet the server half-closes.
    await peer.ended;
    peer.socket.end();
    await closed;
  });

  it('returns the same promise when called twice', async () => {
    const server = makeServer();
    await server.listen();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    expect(server.address()).toBeNull();
  });

  it('resolves for a server that never listened, and then answers handle() with -32002', async () => {
    const server = makeServer();
    await server.close();
    expect(JSON.parse((await server.handle(req('echo', [1], 9)))!)).toMatchObject({
      error: { code: -32002 },
      id: 9,
    });
  });

  it('waits for handle() calls in flight', async () => {
    const server = makeServer();
    const gate = latch(1);
    server.method('gate', gate.handler);
    const pending = server.handle(req('gate', ['x']));
    await gate.started;
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    expect(closed).toBe(false);
    gate.open();
    expect(JSON.parse((await pending)!)).toMatchObject({ result: ['x'] });
    await closing;
    expect(closed).toBe(true);
  });

  it('past its timeout aborts handlers with ServerClosedError and destroys sockets', async () => {
    const { server, port } = await listening();
    const started = stuck(server, 'stubborn');
    const reason = started.then(abortReason);
    const peer = await Peer.connect(port);
    peer.send(req('stubborn'));
    await started;
    await server.close({ timeout: 30 });
    expect(await reason).toBeInstanceOf(ServerClosedError);
    await peer.closed;
    expect(peer.queued).toBe(0);
    expect(server.stats().connections.open).toBe(0);
  });

  it('with timeout 0 aborts at once', async () => {
    const { server, port } = await listening();
    const started = stuck(server, 'stubborn');
    const peer = await Peer.connect(port);
    peer.send(req('stubborn'));
    const ctx = await started;
    const closing = server.close({ timeout: 0 });
    // Before close() returns, not on a later timer.
    expect(ctx.signal.aborted).toBe(true);
    await closing;
    await peer.closed;
  });

  it('with timeout 0 destroys a connection whose peer left unread answers behind', async () => {
    const { server, port } = await listening();
    const answered = deferred();
    let calls = 0;
    server.method('big', () => {
      if (++calls === 8) answered.resolve();
      return 'x'.repeat(1 << 20);
    });
    const peer = await Peer.connect(port);
    peer.socket.pause();
    // 8 MiB of answers the peer never reads, then its FIN: the channel is gone, the socket is not.
    peer.socket.end(`${Array.from({ length: 8 }, (_, i) => req('big', [], i)).join('\n')}\n`);
    await answered.promise;
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    await server.close({ timeout: 0 });
    expect(server.stats().connections.open).toBe(0);
    peer.socket.resume();
    await peer.closed;
  });

  it('with timeout 0 rejects a handle() batch still running a member after another was answered', async () => {
    const server = makeServer();
    const first = deferred<string>();
    server.method('first', () => first.promise);
    const started = stuck(server, 'stubborn');
    const pending = server.handle(`[${req('first', [], 1)},${req('stubborn', [], 2)}]`);
    await started;
    first.resolve('done');
    for (let i = 0; i < 10 && server.stats().calls.inFlight > 1; i++) {
      await new Promise(setImmediate);
    }
    expect(server.stats().calls.inFlight).toBe(1);
    const closed = server.close({ timeout: 0 });
    await expect(pending).rejects.toBeInstanceOf(ServerClosedError);
    await closed;
  });

  it('resolves once the last call in flight is dropped: its handle() caller gave up', async () => {
    const server = makeServer();
    const started = stuck(server, 'hang');
    const controller = new AbortController();
    const pending = server.handle(req('hang'), { signal: controller.signal });
    await started;
    const closed = server.close();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await closed;
    expect(server.stats().calls.inFlight).toBe(0);
  });

  it('rejects an invalid timeout', async () => {
    const server = makeServer();
    await expect(server.close({ timeout: -1 })).rejects.toThrow(
      'timeout must be an integer number of milliseconds from 0 to 2147483647, or Infinity to wait forever, got -1',
    );
  });

  it('leaves no timer behind once it resolves before its timeout', async () => {
    // A close timer left armed would keep the process alive for closeTimeout (30 s by default).
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const { server } = await listening();
    const before = timers();
    // The listener closes on a later tick: close() arms its timer and must clear it then.
    await server.close();
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('is what Symbol.asyncDispose does', async () => {
    let address: unknown;
    {
      await using server = createServer();
      address = await server.listen();
    }
    expect(address).toMatchObject({ host: '127.0.0.1' });
    await expect(Peer.connect((address as { port: number }).port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('listen()', () => {
  it('resolves with the bound address, which address() returns too', async () => {
    const server = makeServer();
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    expect(address).toEqual({ host: '127.0.0.1', port: expect.any(Number), family: 'IPv4' });
    expect(server.address()).toEqual(address);
  });

  it('listens on a Unix socket path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-server-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'rpc.sock');
    const server = makeServer();
    expect(await server.listen({ path })).toEqual({ path });
    const { connect } = await import('node:net');
    const socket = connect(path);
    onTestFinished(() => {
      socket.destroy();
    });
    socket.write(`${req('echo', ['unix'])}\n`);
    const line = await new Promise<string>((resolve) =>
      socket.once('data', (d) => resolve(String(d))),
    );
    expect(JSON.parse(line)).toMatchObject({ result: ['unix'] });
  });

  it('rejects with ListenError when already listening', async () => {
    const server = makeServer();
    await server.listen();
    const error = await server.listen().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).message).toMatch(/already listening/);
  });

  it('rejects with ListenError (cause EADDRINUSE) for a port in use, and can listen again', async () => {
    const { port } = await listening();
    const server = makeServer();
    const error = await server.listen({ port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).code).toBe('RERPC_ERR_LISTEN');
    expect(((error as ListenError).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    expect(await server.listen({ port: 0 })).toMatchObject({ port: expect.any(Number) });
  });

  it('rejects with ServerClosedError after close()', async () => {
    const server = makeServer();
    await server.close();
    await expect(server.listen()).rejects.toBeInstanceOf(ServerClosedError);
  });

  it('rejects with ServerClosedError after close() of a listening server, before it checks options', async () => {
    const server = makeServer();
    await server.listen({ port: 0, host: '127.0.0.1' });
    await server.close();
    await expect(server.listen({ port: -1 })).rejects.toBeInstanceOf(ServerClosedError);
  });

  it('rejects with ServerClosedError when close() begins while it starts, and listens on nothing', async () => {
    const server = makeServer();
    const listen = server.listen({ port: 0, host: '127.0.0.1' });
    await server.close();
    await expect(listen).rejects.toBeInstanceOf(ServerClosedError);
    expect(server.address()).toBeNull();
  });

  it('absorbs an accept error after listening (EMFILE): keeps its address and keeps serving', async () => {
    const { server, port } = await listening();
    const address = server.address();
    // The listener Node accepts on: it emits 'error' for a failed accept (out of file descriptors).
    const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
    const net = handles.find(
      (h): h is NetServer =>
        h instanceof NetServer && (h.address() as AddressInfo | null)?.port === port,
    )!;
    const error = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' });
    net.emit('error', error);
    expect(server.address()).toEqual(address);
    const peer = await Peer.connect(port);
    peer.send(req('echo', ['still']));
    expect(JSON.parse(await peer.next())).toMatchObject({ result: ['still'] });
  });

  const invalid: Array<[unknown, string]> = [
    [{ port: -1 }, 'port must be an integer between 0 and 65535, got -1'],
    [{ port: 70000 }, 'port must be an integer between 0 and 65535, got 70000'],
    [{ port: '80' }, 'port must be an integer between 0 and 65535, got "80"'],
    [{ host: '' }, 'host must be a non-empty string, got ""'],
    [{ path: '' }, 'path must be a non-empty string, got ""'],
    [{ backlog: 0 }, 'backlog must be an integer >= 1, got 0'],
    [null, 'listen() options must be an object, got null'],
  ];
  for (const [options, message] of invalid) {
    it(`rejects "${message}"`, async () => {
      const server = makeServer();
      await expect(server.listen(options as never)).rejects.toThrow(message);
      expect(server.address()).toBeNull();
    });
  }
});
