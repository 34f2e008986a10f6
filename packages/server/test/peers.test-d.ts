import { PassThrough } from 'node:stream';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CallContext,
  createServer,
  type Peer,
  type PeerTransport,
  type SubscriptionSink,
} from '../src/index.js';

describe('issue 14 types', () => {
  const server = createServer({
    peerCallTimeout: 1000,
    cancelMethod: null,
    onConnection: (peer) => {
      expectTypeOf(peer).toEqualTypeOf<Peer>();
      peer.state['user'] = 'ada';
      return true;
    },
  });

  it('types ctx.peer and its calls', () => {
    server.method('m', async (_p: unknown, ctx: CallContext) => {
      expectTypeOf(ctx.peer).toEqualTypeOf<Peer | null>();
      const peer = ctx.peer!;
      expectTypeOf(peer.transport).toEqualTypeOf<PeerTransport>();
      expectTypeOf(peer.call<number>('x', [1], { timeout: 5 })).toEqualTypeOf<Promise<number>>();
      expectTypeOf(peer.notify('x')).toEqualTypeOf<boolean>();
      // @ts-expect-error unknown call option
      void peer.call('x', undefined, { timout: 5 });
      return null;
    });
    expectTypeOf(server.peers()).toEqualTypeOf<Peer[]>();
  });

  it('types subscriptions, middleware and serve()', () => {
    server.subscription(
      'ticks',
      (params: { every: number }, _ctx, sink: SubscriptionSink<number>) => {
        expectTypeOf(params.every).toEqualTypeOf<number>();
        expectTypeOf(sink.send(1)).toEqualTypeOf<Promise<void>>();
        expectTypeOf(sink.trySend(1)).toEqualTypeOf<boolean>();
        expectTypeOf(sink.signal).toEqualTypeOf<AbortSignal>();
      },
    );
    server.use((ctx, next) => {
      expectTypeOf(ctx.params).toEqualTypeOf<unknown>();
      expectTypeOf(next()).toEqualTypeOf<Promise<unknown>>();
      return next();
    });
    expectTypeOf(server.serve(new PassThrough())).toEqualTypeOf<Promise<void>>();
    expectTypeOf(
      server.serve({ readable: process.stdin, writable: process.stdout }, { framing: 'ndjson' }),
    ).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error unknown framing
    void server.serve(new PassThrough(), { framing: 'lines' });
  });
});
