import { describe, expect, it } from 'vitest';
import { listening, Peer, req } from './helpers.js';

const big = 'y'.repeat(20_000);

describe('TCP writes: batching small and large answers', () => {
  it('sends intact answers after a tick that mixed small and large answers', async () => {
    const { port } = await listening();
    const peer = await Peer.connect(port);
    peer.send(req('echo', ['a'], 1), req('echo', [big], 2), req('echo', ['b'], 3));
    expect(await peer.take(3)).toEqual([
      { jsonrpc: '2.0', result: ['a'], id: 1 },
      { jsonrpc: '2.0', result: [big], id: 2 },
      { jsonrpc: '2.0', result: ['b'], id: 3 },
    ]);
    // The next ticks write only their own answers: nothing of the earlier tick is left over.
    peer.send(req('echo', ['c'], 4));
    expect(await peer.next()).toBe('{"jsonrpc":"2.0","result":["c"],"id":4}');
    peer.send(req('echo', [big], 5));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: [big], id: 5 });
    peer.send(req('echo', ['d'], 6));
    expect(await peer.next()).toBe('{"jsonrpc":"2.0","result":["d"],"id":6}');
    expect(peer.queued).toBe(0);
  });

  it('sends one large answer alone in a tick', async () => {
    const { port } = await listening({ framing: 'content-length' });
    const peer = await Peer.connect(port, 'content-length');
    peer.send(req('echo', [big], 'only'));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: [big], id: 'only' });
  });
});

describe('TCP writes: backpressure', () => {
  it('reads again once the peer has read answers larger than the socket buffer', async () => {
    const { server, port } = await listening();
    // Far over the socket's writableHighWaterMark (16 KiB): the write fills it and pauses reading.
    server.method('big', () => 'x'.repeat(1 << 20));
    const peer = await Peer.connect(port);
    for (let round = 0; round < 3; round++) {
      peer.send(req('big', [], round));
      const got = (await peer.nextJson()) as { result: string; id: number };
      expect(got.id).toBe(round);
      expect(got.result).toHaveLength(1 << 20);
    }
    peer.send(req('echo', ['after'], 'after'));
    expect(await peer.nextJson()).toEqual({ jsonrpc: '2.0', result: ['after'], id: 'after' });
  });
});
