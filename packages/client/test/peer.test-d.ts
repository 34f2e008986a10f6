import type { Readable, Writable } from 'node:stream';
import { describe, expectTypeOf, it } from 'vitest';
import type { Client, ClientTarget, HandlerContext, SubscribeOptions } from '../src/index.js';

declare const client: Client;

describe('peer types', () => {
  it('types handlers, subscriptions and stream targets', () => {
    client.method('A.add', (params: number[], ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<HandlerContext>();
      expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
      return params.length;
    });
    const off = client.onNotification('log', (params: { text: string }) => params.text);
    expectTypeOf(off).toEqualTypeOf<() => void>();
    const ticks = client.subscribe<number>('ticks', [1], { maxBuffered: 10, resubscribe: true });
    expectTypeOf(ticks).toMatchTypeOf<AsyncIterable<number>>();
    expectTypeOf<{ notification: 'x'; signal: AbortSignal }>().toMatchTypeOf<SubscribeOptions>();
    expectTypeOf<{ readable: Readable; writable: Writable }>().toMatchTypeOf<ClientTarget>();
    // @ts-expect-error maxBuffered is a number
    expectTypeOf<{ maxBuffered: '1' }>().toMatchTypeOf<SubscribeOptions>();
    // @ts-expect-error a stream target needs both ends
    expectTypeOf<{ readable: Readable }>().toMatchTypeOf<ClientTarget>();
  });
});
