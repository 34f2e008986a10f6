import type { Framing } from '@rerpc/codec';
import { specExamples } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { type CallContext, DisconnectedError } from '../src/index.js';
import { abortReason, byId, deferred, listening, Peer, req, stuck } from './helpers.js';

const PING = req('echo', ['ping'], 'ping');

for (const framing of ['ndjson', 'content-length'] as Framing[]) {
  describe(`TCP with ${framing} framing: specification section 7`, () => {
    it('answers every example as the specification does, on one connection', async () => {
      const { port } = await listening({ framing });
      const peer = await Peer.connect(port, framing);
      for (const example of specExamples) {
        // A request after each example: an example that gets no answer is followed by the ping's.
        peer.send(example.request, PING);
        if (example.response !== null) {
          const got = await peer.nextJson();
          if (Array.isArray(example.response)) {
            expect(byId(got), example.name).toMatchObject(byId(example.response));
            expect(got, example.name).toHaveLength(example.response.length);
          } else {
            expect(got, example.name).toMatchObject(example.response as object);
          }
        }
        expect(await peer.nextJson(), example.name).toEqual({
          jsonrpc: '2.0',
          result: ['ping'],
          id: 'ping',
        });
      }
    });

    it('answers pipelined calls as each finishes: the later, faster one first', async () => {
      const { port } = await listening({ framing });
      const peer = await Peer.connect(port, framing);
      peer.send(req('sleep', { ms: 50 }, 'slow'), req('sleep', { ms: 0 }, 'fast'));
      expect(await peer.take(2)).toEqual([
        { jsonrpc: '2.0', result: 0, id: 'fast' },
        { jsonrpc: '2.0', result: 50, id: 'slow' },
      ]);
    });

    it('keeps serving after garbage and invalid UTF-8, answering each with -32700', async () => {
      const { port } = await listening({ framing });
      const peer = await Peer.connect(port, framing);
      const bad = Buffer.concat([
        Buffer.from('{"jsonrpc":"2.0","method":"echo","params":["'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"],"id":1}'),
      ]);
      if (framing === 'ndjson') {
        peer.write(Buffer.concat([Buffer.from('{garbage\n'), bad, Buffer.from('\n')]));
      } else {
        peer.send('{garbage');
        peer.write(Buffer.concat([Buffer.from(`Content-Length: ${bad.length}\r\n\r\n`), bad]));
      }
      peer.send(PING);
      const [a, b, c] = await peer.take(3);
      expect(a).toMatchObject({ error: { code: -32700, message: 'Parse error' }, id: null });
      expect(b).toMatchObject({
        error: { code: -32700, data: 'the message is not valid UTF-8' },
        id: null,
      });
      expect(c).toMatchObject({ result: ['ping'] });
    });
  });
}

describe('TCP: the Go rerpc wire', () => {
  it("answers the Go client's recorded requests byte for byte", async () => {
    const { port } = await listening();
    const peer = await Peer.connect(port);
    const requests = [
      '{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":10,"b":20},"id":1}\n',
      '{"jsonrpc":"2.0","method":"ArithService.Multiply","params":{"a":6,"b":7},"id":2}\n',
      '{"jsonrpc":"2.0","method":"ArithService.Divide","params":{"a":1,"b":0},"id":3}\n',
    ];
    const expected = [
      '{"jsonrpc":"2.0","result":{"result":30},"id":1}',
      '{"jsonrpc":"2.0","result":{"result":42},"id":2}',
      '{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error","data":"division by zero"},"id":3}',
    ];
    // The Go client sends one request and reads one line, then the next.
    for (let i = 0; i < requests.length; i++) {
      peer.write(requests[i]!);
      expect(await peer.next()).toBe(expected[i]);
    }
    peer.write('{"jsonrpc":"2.0","method":"NoSuch.Method","params":{"a":1,"b":2},"id":4}\n');
    expect(await peer.nextJson()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found', data: 'method NoSuch.Method not found' },
      id: 4,
    });
  });

  it('accepts \\r\\n line ends and blank lines', async () => {
    const { port } = await listening();
    const peer = await Peer.connect(port);
    peer.write(`\r\n\n${req('echo', [1], 1)}\r\n\r\n${req('echo', [2], 2)}\n`);
    expect(await peer.take(2)).toEqual([
      { jsonrpc: '2.0', result: [1], id: 1 },
      { jsonrpc: '2.0', result: [2], id: 2 },
    ]);
  });
});

describe('TCP: Content-Length framing errors', () => {
  it('answers a malformed header with -32700 and closes only that connection', async () => {
    const { port } = await listening({ framing: 'content-length' });
    const other = await Peer.connect(port, 'content-length');
    const peer = await Peer.connect(port, 'content-length');
    peer.write('Content-Length: banana\r\n\r\n{}');
    const got = (await peer.nextJson()) as { error: { data: string } };
    expect(got).toMatchObject({ error: { code: -32700, message: 'Parse error' }, id: null });
    expect(got.error.data).toBe(
      'malformed Content-Length header "Content-Length: banana"; the connection is closed',
    );
    await peer.closed;
    other.send(PING);
    expect(await other.nextJson()).toMatchObject({ result: ['ping'] });
  });
});

describe('TCP: ctx', () => {
  it("gives handlers the peer's address", async () => {
    const { server, port } = await listening();
    server.method('whoami', (_params: unknown, ctx: CallContext) => ctx.remoteAddress);
    const peer = await Peer.connect(port);
    peer.send(req('whoami'));
    expect(await peer.nextJson()).toMatchObject({ result: '127.0.0.1' });
  });
});

describe('TCP: writes and concurrency', () => {
  it('sends the answers finished in one tick in one write', async () => {
    const { port } = await listening();
    const peer = await Peer.connect(port);
    const requests = Array.from({ length: 20 }, (_, i) =>
      req('ArithService.Add', { a: i, b: 1 }, i),
    );
    peer.send(...requests);
    const got = (await peer.take(20)) as Array<{ id: number; result: { result: number } }>;
    expect(got.map((r) => r.id)).toEqual(requests.map((_, i) => i));
    expect(peer.chunks).toEqual([20]);
  });

  it('keeps the order of small and large answers written in one tick', async () => {
    const { port } = await listening();
    const peer = await Peer.connect(port);
    const big = 'y'.repeat(20_000);
    peer.send(
      req('echo', ['a'], 1),
      req('echo', [big], 2),
      req('echo', ['b'], 3),
      req('echo', [big, big], 4),
      req('echo', ['c'], 5),
    );
    expect(await peer.take(5)).toEqual([
      { jsonrpc: '2.0', result: ['a'], id: 1 },
      { jsonrpc: '2.0', result: [big], id: 2 },
      { jsonrpc: '2.0', result: ['b'], id: 3 },
      { jsonrpc: '2.0', result: [big, big], id: 4 },
      { jsonrpc: '2.0', result: ['c'], id: 5 },
    ]);
  });

  it('answers 50 connections × 200 pipelined calls, each correctly', async () => {
    const { server, port } = await listening();
    const peers = await Promise.all(Array.from({ length: 50 }, () => Peer.connect(port)));
    await Promise.all(
      peers.map(async (peer, p) => {
        const requests: string[] = [];
        for (let i = 0; i < 200; i++) {
          const method = i % 10 === 0 ? 'sleep' : 'ArithService.Add';
          const params = i % 10 === 0 ? { ms: i % 3 } : { a: p, b: i };
          requests.push(req(method, params, `${p}-${i}`));
        }
        peer.send(...requests);
        const got = (await peer.take(200)) as Array<{ id: string; result: unknown }>;
        const byKey = new Map(got.map((r) => [r.id, r.result]));
        expect(byKey.size).toBe(200);
        for (let i = 0; i < 200; i++) {
          expect(byKey.get(`${p}-${i}`)).toEqual(i % 10 === 0 ? i % 3 : { result: p + i });
        }
      }),
    );
    const stats = server.stats();
    expect(stats.calls.total).toBe(10_000);
    expect(stats.calls.inFlight).toBe(0);
    expect(stats.connections).toMatchObject({ open: 50, total: 50 });
  });

  it('keeps many slow calls of one connection running together (100 × sleep)', async () => {
    const { server, port } = await listening({ maxRunningPerConnection: 100 });
    const started = deferred();
    let running = 0;
    server.method('gate', (_params: unknown, ctx: CallContext) => {
      if (++running === 100) started.resolve();
      return new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
    });
    const peer = await Peer.connect(port);
    peer.send(...Array.from({ length: 100 }, (_, i) => req('gate', [], i)));
    await started.promise;
    expect(server.stats().calls).toMatchObject({ running: 100, inFlight: 100, queued: 0 });
  });
});

describe('TCP: peers that leave', () => {
  it('aborts the calls of a client that vanishes mid-call and keeps serving others', async () => {
    const { server, port } = await listening();
    const started = stuck(server, 'hang');
    const aborted = started.then(abortReason);
    const leaving = await Peer.connect(port);
    leaving.send(req('hang'), req('sleep', { ms: 20 }, 2));
    await started;
    leaving.socket.destroy();
    expect(await aborted).toBeInstanceOf(DisconnectedError);
    const other = await Peer.connect(port);
    other.send(PING);
    expect(await other.nextJson()).toMatchObject({ result: ['ping'] });
    await leaving.closed;
    expect(server.stats().calls.inFlight).toBe(0);
  });

  it('takes a FIN as the peer leaving: flushes ready answers, aborts the rest, closes', async () => {
    const { server, port } = await listening();
    const aborted = stuck(server, 'hang').then(abortReason);
    const peer = await Peer.connect(port);
    peer.socket.end(`${req('hang', [], 1)}\n${req('echo', [2], 2)}`);
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: [2], id: 2 });
    const reason = await aborted;
    expect(reason).toBeInstanceOf(DisconnectedError);
    expect((reason as Error).message).toBe(
      'The peer closed its side of the connection before this call was answered; stop the work (set allowHalfOpen if peers half-close and still expect answers)',
    );
    await peer.ended;
    expect(await peer.closed).toBe(false);
    expect(peer.queued).toBe(0);
  });

  it('keeps serving after a peer resets its connection mid-call', async () => {
    const { server, port } = await listening();
    const aborted = stuck(server, 'hang').then(abortReason);
    const leaving = await Peer.connect(port);
    leaving.send(req('hang'));
    leaving.socket.resetAndDestroy();
    expect(await aborted).toBeInstanceOf(DisconnectedError);
    const other = await Peer.connect(port);
    other.send(PING);
    expect(await other.nextJson()).toMatchObject({ result: ['ping'] });
  });

  it('ends as soon as the last call of a half-closed client is answered, without a grace period', async () => {
    const { server, port } = await listening({ allowHalfOpen: true, closeGrace: 600_000 });
    const started = deferred();
    const release = deferred();
    server.method('wait', () => {
      started.resolve();
      return release.promise.then(() => 'done');
    });
    const peer = await Peer.connect(port);
    peer.socket.end(`${req('wait', [], 1)}\n`);
    await started.promise;
    // A few turns of the loop for the server to read our FIN while the call still runs.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    release.resolve();
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: 'done', id: 1 });
    await peer.ended;
    expect(await peer.closed).toBe(false);
  });

  it('answers everything a half-closed client sent with allowHalfOpen, then ends', async () => {
    const { port } = await listening({ allowHalfOpen: true });
    const peer = await Peer.connect(port);
    peer.socket.end(`${req('sleep', { ms: 20 }, 1)}\n${req('echo', [2], 2)}`);
    const got = await peer.take(2);
    expect(byId(got)).toEqual([
      { jsonrpc: '2.0', result: 20, id: 1 },
      { jsonrpc: '2.0', result: [2], id: 2 },
    ]);
    await peer.ended;
    expect(await peer.closed).toBe(false);
  });
});
