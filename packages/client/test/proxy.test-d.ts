import { describe, expectTypeOf, it } from 'vitest';
import type { CallOptions, Client, ServiceProxy } from '../src/index.js';

declare const client: Client;

interface Arith {
  Add(args: { a: number; b: number }): { result: number };
  Slow(args: { ms: number }): Promise<string>;
  Ping(): 'pong';
  Maybe(args?: { x: number }): number;
  _hidden(): void;
  version: string;
}

/** A server-side class, as registered with server.register(): (params, ctx) handlers. */
class ArithService {
  private readonly scale = 2;
  Add(args: { a: number; b: number }, _ctx?: { signal: AbortSignal }): { result: number } {
    return { result: (args.a + args.b) * this.scale };
  }
  async Divide(args: { a: number; b: number }): Promise<{ result: number }> {
    return { result: args.a / args.b };
  }
  _internal(): void {}
  count = 0;
}

describe('service<T>() types', () => {
  it('derives methods from an interface, unwrapping promises', () => {
    const arith = client.service<Arith>('ArithService');
    expectTypeOf(arith.Add).toEqualTypeOf<
      (params: { a: number; b: number }, options?: CallOptions) => Promise<{ result: number }>
    >();
    expectTypeOf(arith.Slow).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(arith.Ping).returns.toEqualTypeOf<Promise<'pong'>>();
    expectTypeOf(arith.Ping).parameter(0).toEqualTypeOf<undefined>();
    expectTypeOf(arith.Maybe).parameter(0).toEqualTypeOf<{ x: number } | undefined>();
  });

  it('leaves out _names and non-function members', () => {
    expectTypeOf<keyof ServiceProxy<Arith>>().toEqualTypeOf<'Add' | 'Slow' | 'Ping' | 'Maybe'>();
    const arith = client.service<Arith>('ArithService');
    // @ts-expect-error _hidden is private by convention
    arith._hidden;
    // @ts-expect-error not a method
    arith.version;
  });

  it('derives methods from the server-side class, ignoring the ctx parameter', () => {
    const arith = client.service<ArithService>('ArithService');
    expectTypeOf<keyof typeof arith>().toEqualTypeOf<'Add' | 'Divide'>();
    expectTypeOf(arith.Add).parameter(0).toEqualTypeOf<{ a: number; b: number }>();
    expectTypeOf(arith.Divide).returns.toEqualTypeOf<Promise<{ result: number }>>();
  });

  it('rejects wrong params', () => {
    const arith = client.service<Arith>('ArithService');
    // @ts-expect-error b is missing
    void arith.Add({ a: 1 });
    // @ts-expect-error options must be CallOptions
    void arith.Add({ a: 1, b: 2 }, { timeout: 'soon' });
  });
});

describe('client types', () => {
  it('types call results and batch outcomes', () => {
    expectTypeOf(client.call<number>('A.b', { x: 1 })).toEqualTypeOf<Promise<number>>();
    expectTypeOf(client.call('A.b')).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(client.notify('A.b', [1])).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error params must be an object or an array
    void client.call('A.b', 5);
  });
});
