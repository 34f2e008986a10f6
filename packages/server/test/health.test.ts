import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createServer, DEFAULTS } from '../src/index.js';
import { deferred, listening, makeServer, Peer, req } from './helpers.js';

// healthMethod (issue 17): a method a balancer probes with one JSON-RPC line; ok while serving,
// -32002 (and refused connections) from the moment close() begins.

const OK = '{"jsonrpc":"2.0","result":{"status":"ok"},"id":1}';

describe('healthMethod', () => {
  it('is off by default and with null: rpc.health is not a method', async () => {
    expect(DEFAULTS.healthMethod).toBeNull();
    for (const options of [undefined, { healthMethod: null }]) {
      const server = makeServer(options, false);
      expect(server.options.healthMethod).toBeNull();
      expect(JSON.parse((await server.handle(req('rpc.health')))!)).toMatchObject({
        error: { code: -32601 },
      });
    }
  });

  it("answers {status:'ok'} under an rpc. name or an ordinary one", async () => {
    const system = makeServer({ healthMethod: 'rpc.health' }, false);
    expect(await system.handle(req('rpc.health'))).toBe(OK);
    const plain = makeServer({ healthMethod: 'health.check' }, false);
    expect(await plain.handle(req('health.check'))).toBe(OK);
  });

  it('over TCP: ok while serving; -32002 on an open connection and refused connections once close() begins', async () => {
    const { server, port } = await listening({ healthMethod: 'rpc.health' }, false);
    const peer = await Peer.connect(port);
    // A call in flight keeps the connection open while the server drains.
    const gate = deferred();
    const started = deferred();
    server.method('hold', () => {
      started.resolve();
      return gate.promise;
    });
    peer.send(req('hold', undefined, 9));
    await started.promise;
    peer.send(req('rpc.health'));
    expect(await peer.next()).toBe(OK);
    const closed = server.close({ timeout: 30_000 });
    peer.send(req('rpc.health', undefined, 2));
    expect(await peer.nextJson()).toMatchObject({ id: 2, error: { code: -32002 } });
    // A fresh probe cannot even connect: the listener is closed.
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)));
    });
    expect(refused).toBe('ECONNREFUSED');
    gate.resolve();
    expect(await peer.nextJson()).toMatchObject({ id: 9, result: null });
    await closed;
  });

  it.each([
    [{ healthMethod: '' }, 'healthMethod must be a non-empty method name or null, got ""'],
    [{ healthMethod: 1 as never }, 'healthMethod must be a non-empty method name or null, got 1'],
    [{ healthMethod: 'a b' }, /healthMethod "a b" cannot be a method name: .*whitespace/],
    [{ healthMethod: 'rpc.' }, /healthMethod "rpc." cannot be a method name/],
  ])('refuses %o', (options, message) => {
    expect(() => createServer(options)).toThrow(
      expect.objectContaining({ code: 'RERPC_ERR_INVALID_OPTION' }),
    );
    expect(() => createServer(options)).toThrow(message);
  });

  it('a user method of the same name is a duplicate', () => {
    const server = makeServer({ healthMethod: 'health' }, false);
    expect(() => server.method('health', () => 1)).toThrow(/health/);
  });
});
