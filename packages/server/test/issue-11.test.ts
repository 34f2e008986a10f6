// Regressions from issue 11: outside testing found lost calls, hangs and starvation.
import { once } from 'node:events';
import { connect } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { CallContext } from '../src/index.js';
import { deferred, listening, makeServer, Peer } from './helpers.js';

const req = (method: string, params: unknown = [], id: unknown = 1) =>
  JSON.stringify({ jsonrpc: '2.0', method, params, id });

/** Waits (bounded, by turns of the event loop, never by time) until `check()` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 20_000; i++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting until ${what}`);
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("a handler's ctx cannot corrupt the server", () => {
  it('answers and closes although a sloppy-mode handler assigns to every ctx field', async () => {
    const server = makeServer({ onHandlerError: null });
    // new Function bodies are sloppy mode, like a plain script: assignments fail silently.
    const handler = new Function(
      'params',
      'ctx',
      'ctx.state = { user: "ann" }; ctx.id = 99; ctx.method = "x"; ctx.signal = null;' +
        'ctx.deadline = 0; ctx.remoteAddress = "evil"; ctx.channel = null; ctx.entry = null;' +
        'return [ctx.id, ctx.method, ctx.state.user, ctx.signal instanceof AbortSignal];',
    ) as (params: unknown, ctx: CallContext) => unknown;
    server.method('meddle', handler);
    expect(JSON.parse((await server.handle(req('meddle', [], 7)))!)).toEqual({
      jsonrpc: '2.0',
      result: [7, 'meddle', 'ann', true],
      id: 7,
    });
    expect(server.stats().calls.inFlight).toBe(0);
    await server.close();
  });

  it('answers -32603 when a strict-mode handler assigns to a read-only field, and stays usable', async () => {
    const server = makeServer({ onHandlerError: null });
    server.method('meddle', async (_params: unknown, ctx: CallContext) => {
      await null;
      (ctx as { id: unknown }).id = 5;
    });
    expect(JSON.parse((await server.handle(req('meddle', [], 3)))!)).toMatchObject({
      error: { code: -32603 },
      id: 3,
    });
    expect(server.stats().calls.inFlight).toBe(0);
    await server.close();
  });

  it('keeps state per call and prints only what a handler can use', async () => {
    const server = makeServer();
    let printed = '';
    server.method('who', (_params: unknown, ctx: CallContext) => {
      const before = Object.keys(ctx.state).length;
      ctx.state['seen'] = true;
      printed = inspect(ctx);
      return before;
    });
    expect(JSON.parse((await server.handle(req('who', [], 1)))!).result).toBe(0);
    expect(JSON.parse((await server.handle(req('who', [], 2)))!).result).toBe(0);
    expect(printed).toContain("method: 'who'");
    expect(printed).toContain('id: 2');
    expect(printed).toContain('seen: true');
    expect(printed).not.toMatch(/channel|entry|cNext|prev|core/);
    expect(printed.split('\n').length).toBeLessThan(12);
  });
});

describe('onHandlerError', () => {
  it("logs each method and error class once by default ('log'), notifications included", async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const server = makeServer();
    let n = 0;
    server.method('flaky', () => {
      throw ++n % 2 === 0 ? new TypeError(`bad ${n}`) : new Error(`broken ${n}`);
    });
    for (let i = 1; i <= 6; i++) {
      expect(JSON.parse((await server.handle(req('flaky', [], i)))!)).toEqual({
        jsonrpc: '2.0',
        error: { code: -32603, message: 'Internal error' },
        id: i,
      });
    }
    await server.handle('{"jsonrpc":"2.0","method":"crash"}');
    expect(logged.map((args) => (args[0] as string).replace(/;.*/, ''))).toEqual([
      '@rerpc/server: a call of flaky failed with Error',
      '@rerpc/server: a call of flaky failed with TypeError',
      '@rerpc/server: a notification of crash failed with Error',
    ]);
    expect(logged[0]![1]).toBeInstanceOf(Error);
    expect(logged[0]![0]).toBe(
      '@rerpc/server: a call of flaky failed with Error; the caller got -32603 "Internal error" (logged once per method and error class; set onHandlerError to log your own way, or null to silence):',
    );
  });

  it('logs nothing with null, and calls a function with the handler ctx', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const quiet = makeServer({ onHandlerError: null });
    await quiet.handle(req('crash'));
    expect(spy).not.toHaveBeenCalled();
    const seen: Array<[string, unknown]> = [];
    const custom = makeServer({ onHandlerError: (_e, ctx) => seen.push([ctx.method, ctx.id]) });
    await custom.handle(req('crash', [], 'c'));
    expect(seen).toEqual([['crash', 'c']]);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('graceful close keeps its promise for every byte read', () => {
  it('answers -32002 to a request read just after the last call in flight finished', async () => {
    const { server, port } = await listening({ closeGrace: 10_000 });
    const gate = deferred<string>();
    server.method('gate', () => gate.promise);
    let ran = 0;
    server.method('count', () => ++ran);
    const peer = await Peer.connect(port);
    peer.send(req('gate', [], 'g'));
    await until(() => server.stats().calls.inFlight === 1, 'the gate call runs');
    const closed = server.close();
    // The answer to 'g' and the FIN used to be sent in the microtask after this release, and the
    // request written right after it was read after that, never answered.
    gate.resolve('open');
    peer.send(req('count', [], 'late'));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: 'open', id: 'g' });
    expect(await peer.nextJson()).toMatchObject({ error: { code: -32002 }, id: 'late' });
    expect(ran).toBe(0);
    peer.socket.end(); // our FIN ends the grace period at once
    await peer.ended;
    expect(await peer.closed).toBe(false);
    await closed;
  });

  it('extends the grace period while requests keep arriving, then half-closes', async () => {
    const { server, port } = await listening({ closeGrace: 1000 });
    const peer = await Peer.connect(port);
    let ended = false;
    void peer.ended.then(() => {
      ended = true;
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const closed = server.close({ timeout: 60_000 });
    vi.advanceTimersByTime(900);
    peer.send(req('echo', [1], 'late'));
    expect(await peer.nextJson()).toMatchObject({ error: { code: -32002 }, id: 'late' });
    expect(vi.getTimerCount()).toBe(2); // close()'s timeout and the grace period
    vi.advanceTimersByTime(100); // the period ends, but a request came in it: one more period
    expect(vi.getTimerCount()).toBe(1);
    await until(() => vi.getTimerCount() === 2, 'the grace period is extended');
    expect(ended).toBe(false);
    vi.advanceTimersByTime(1000); // a quiet period: now the FIN
    await peer.ended;
    vi.useRealTimers();
    peer.socket.end();
    await closed;
  });

  it('runs nothing it reads after its FIN', async () => {
    const { server, port } = await listening({ closeGrace: 0 });
    let ran = 0;
    server.method('count', () => ++ran);
    server.method('hang', () => new Promise(() => {}));
    // A client that keeps writing after our FIN, as one whose requests cross it does.
    const quiet = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    onTestFinished(() => {
      quiet.destroy();
    });
    await once(quiet, 'connect');
    const stuck = await Peer.connect(port);
    stuck.send(req('hang'));
    await until(() => server.stats().calls.inFlight === 1, 'the hanging call runs');
    const closed = server.close({ timeout: 60_000 });
    quiet.resume();
    await once(quiet, 'end'); // nothing in flight on it: our FIN at once (closeGrace 0)
    quiet.end(`${req('count')}\n`);
    const [hadError] = await once(quiet, 'close');
    expect(hadError).toBe(false);
    expect(ran).toBe(0);
    stuck.socket.destroy();
    await closed;
    expect(ran).toBe(0);
  });

  it('resets (not FINs) a connection whose calls close() abandons', async () => {
    const { server, port } = await listening();
    server.method('hang', () => new Promise(() => {}));
    const victim = await Peer.connect(port);
    victim.send(req('hang'));
    await until(() => server.stats().calls.inFlight === 1, 'the call runs');
    await server.close({ timeout: 0 });
    expect(await victim.closed).toBe(true); // ECONNRESET: "may have run", never a clean FIN
  });
});

describe('a peer that never reads', () => {
  it('is reset after one idleTimeout without progress (not two)', async () => {
    const { server, port } = await listening({
      idleTimeout: 60_000,
      maxWriteBufferBytes: 256 << 20,
    });
    // 32 MiB of answers: more than loopback's socket buffers can absorb.
    server.method('big', () => 'x'.repeat(4 << 20));
    const peer = await Peer.connect(port);
    peer.socket.pause();
    // Node's own socket timeout (internal timers, not faked) ignores its first expiry here.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    peer.send(...Array.from({ length: 8 }, (_, i) => req('big', [], i)));
    await until(() => server.stats().bytes.out >= 32 << 20, 'the answers are written');
    vi.advanceTimersByTime(60_000);
    vi.useRealTimers();
    await until(() => server.stats().connections.open === 0, 'the connection is dropped');
    peer.socket.resume();
    await peer.closed;
    await until(() => server.stats().calls.inFlight === 0, 'nothing in flight');
  });
});

describe('one connection cannot starve the others', () => {
  it('answers another connection at once while one keeps 1,000 slow calls queued', async () => {
    const { server, port } = await listening({ onHandlerError: null });
    const release = deferred<void>();
    server.method('slow', () => release.promise);
    server.method('ping', () => 'pong');
    const hog = await Peer.connect(port);
    hog.send(...Array.from({ length: 1000 }, (_, i) => req('slow', [], i)));
    await until(() => server.stats().calls.inFlight === 1000, 'the hog is read');
    expect(server.stats().calls).toMatchObject({ running: 50, queued: 950 });
    const other = await Peer.connect(port);
    other.send(...Array.from({ length: 20 }, (_, i) => req('ping', [], i)));
    const answers = await other.take(20);
    expect(answers.map((a) => (a as { result: unknown }).result)).toEqual(Array(20).fill('pong'));
    release.resolve();
    expect((await hog.take(1000)).length).toBe(1000);
  });

  it('starts queued calls round-robin across connections', async () => {
    const { server, port } = await listening({ concurrency: 1 });
    const order: string[] = [];
    const gates: Array<() => void> = [];
    server.method('work', ([tag]: [string]) => {
      order.push(tag);
      return new Promise<string>((resolve) => gates.push(() => resolve(tag)));
    });
    const a = await Peer.connect(port);
    const b = await Peer.connect(port);
    a.send(req('work', ['a0'], 0), req('work', ['a1'], 1), req('work', ['a2'], 2));
    await until(() => server.stats().calls.inFlight === 3, 'a is read');
    b.send(req('work', ['b0'], 0), req('work', ['b1'], 1), req('work', ['b2'], 2));
    await until(() => server.stats().calls.inFlight === 6, 'b is read');
    for (let i = 0; i < 6; i++) {
      await until(() => gates.length > i, `call ${i} starts`);
      gates[i]!();
    }
    await until(() => server.stats().calls.inFlight === 0, 'all answered');
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });
});

describe('misspelt options fail loudly', () => {
  it('rejects unknown listen(), close() and handle() option names', async () => {
    const server = makeServer();
    await expect(server.listen({ port: 0, hots: 'x' } as never)).rejects.toThrow(
      /listen\(\) options has no option "hots"; did you mean "host"\?/,
    );
    await expect(server.handle(req('echo'), { remoteAdress: 'x' } as never)).rejects.toMatchObject({
      code: 'RERPC_ERR_INVALID_OPTION',
    });
    await expect(server.close({ timeOut: 5 } as never)).rejects.toThrow(
      /close\(\) options has no option "timeOut"; did you mean "timeout"\?/,
    );
  });
});

describe('maxDepth', () => {
  const deep = (depth: number) =>
    `{"jsonrpc":"2.0","method":"echo","params":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)},"id":1}`;
  const tooDeep = {
    jsonrpc: '2.0',
    error: {
      code: -32600,
      message: 'Invalid Request',
      data: 'message nested deeper than maxDepth (128)',
    },
    id: null,
  };

  it('answers -32600 to a message nested deeper than 128 and keeps the connection', async () => {
    const { port } = await listening();
    const peer = await Peer.connect(port);
    peer.send(
      deep(128),
      deep(129),
      `[${'['.repeat(500_000)}`.padEnd(600_000, ']'),
      req('echo', ['ok'], 2),
    );
    expect(await peer.nextJson()).toMatchObject({ id: 1 });
    expect(await peer.nextJson()).toEqual(tooDeep);
    expect(await peer.nextJson()).toEqual(tooDeep);
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: ['ok'], id: 2 });
  });

  it('checks handle() input the same way, string or bytes', async () => {
    const server = makeServer({ maxDepth: 5 });
    expect(JSON.parse((await server.handle(deep(5)))!)).toMatchObject({ id: 1 });
    expect(JSON.parse((await server.handle(Buffer.from(deep(6))))!)).toMatchObject({
      error: { code: -32600, data: 'message nested deeper than maxDepth (5)' },
      id: null,
    });
    // Brackets inside strings are not nesting.
    expect(JSON.parse((await server.handle(req('echo', ['[[[[[[[[{{{{'], 3)))!)).toEqual({
      jsonrpc: '2.0',
      result: ['[[[[[[[[{{{{'],
      id: 3,
    });
  });
});

describe('server.method() names and schema formats', () => {
  it('refuses the names register() never exposes, and the reserved rpc. prefix', () => {
    const server = makeServer(undefined, false);
    for (const name of ['__proto__', 'constructor', 'toString', '_private', '.x', 'a b', 'rpc.x']) {
      expect(() => server.method(name, () => 1), name).toThrow(
        expect.objectContaining({ name: 'RegistrationError' }),
      );
    }
    server.method('Fine.name', () => 1);
  });

  it('validates JSON Schema formats, built-in and custom', async () => {
    const server = makeServer({ formats: { even: (value: string) => value.length % 2 === 0 } });
    server.method('mail', (p: { to: string }) => p.to, {
      params: {
        type: 'object',
        properties: {
          to: { type: 'string', format: 'email' },
          tag: { type: 'string', format: 'even' },
        },
        required: ['to'],
      },
    });
    expect(JSON.parse((await server.handle(req('mail', { to: 'a@b.example' })))!).result).toBe(
      'a@b.example',
    );
    expect(JSON.parse((await server.handle(req('mail', { to: 'nope' })))!)).toMatchObject({
      error: { code: -32602, data: [{ path: '/to', message: 'must match format "email"' }] },
    });
    expect(
      JSON.parse((await server.handle(req('mail', { to: 'a@b.example', tag: 'odd' })))!),
    ).toMatchObject({ error: { code: -32602 } });
  });
});
