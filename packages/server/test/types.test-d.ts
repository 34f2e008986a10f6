import { describe, expectTypeOf, it } from 'vitest';
import {
  type CallContext,
  createServer,
  type Id,
  type Server,
  type ServerAddress,
  type ServerStats,
} from '../src/index.js';

describe('types', () => {
  const server: Server = createServer({ framing: 'content-length', handlerTimeout: 0 });

  it('types handlers: any params shape, ctx as CallContext', () => {
    server.method('add', ({ a, b }: { a: number; b: number }) => a + b);
    server.method('ctx', (_params: unknown, ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<CallContext>();
      expectTypeOf(ctx.id).toEqualTypeOf<Id | undefined>();
      expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
      expectTypeOf(ctx.deadline).toEqualTypeOf<number>();
      expectTypeOf(ctx.remoteAddress).toEqualTypeOf<string | null>();
      return Promise.resolve(1);
    });
    // @ts-expect-error a handler must be a function
    server.method('nope', 42);
  });

  it('types the server API', () => {
    expectTypeOf(server.handle('{}')).toEqualTypeOf<Promise<string | null>>();
    expectTypeOf(server.listen({ port: 0 })).toEqualTypeOf<Promise<ServerAddress>>();
    expectTypeOf(server.listen({ path: '/tmp/x.sock' })).toEqualTypeOf<Promise<ServerAddress>>();
    expectTypeOf(server.stats()).toEqualTypeOf<ServerStats>();
    expectTypeOf(server.close()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(server.register(new (class Svc {})())).toEqualTypeOf<string[]>();
    // @ts-expect-error framing is one of two names
    createServer({ framing: 'lines' });
    // @ts-expect-error handle takes text or bytes
    server.handle({ jsonrpc: '2.0' });
  });
});
