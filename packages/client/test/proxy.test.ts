import { describe, expect, it } from 'vitest';
import { RpcError } from '../src/index.js';
import { setup } from './helpers.js';

interface Arith {
  Add(args: { a: number; b: number }): { result: number };
  Multiply(args: { a: number; b: number }): Promise<{ result: number }>;
  Divide(args: { a: number; b: number }): { result: number };
}

describe('service proxy', () => {
  it('calls Name.method with the params and resolves with the result', async () => {
    const { client, server } = await setup();
    const arith = client.service<Arith>('ArithService');
    await expect(arith.Add({ a: 1, b: 2 })).resolves.toEqual({ result: 3 });
    await expect(arith.Multiply({ a: 6, b: 7 })).resolves.toEqual({ result: 42 });
    await expect(arith.Divide({ a: 1, b: 0 })).rejects.toBeInstanceOf(RpcError);
    expect(server.lines[0]).toBe(
      '{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":1,"b":2},"id":1}',
    );
  });

  it('passes call options through', async () => {
    const { client } = await setup();
    const arith = client.service<Arith>('ArithService');
    await expect(
      arith.Add({ a: 1, b: 2 }, { signal: AbortSignal.abort('no') }),
    ).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED', cause: 'no' });
  });

  it('is not a thenable, hides _names and symbols, and cannot be written to', async () => {
    const { client } = await setup();
    const proxy = client.service<Arith>('ArithService') as unknown as Record<
      string | symbol,
      unknown
    >;
    expect(proxy['then']).toBeUndefined();
    expect(await Promise.resolve(proxy)).toBe(proxy);
    expect(proxy['_secret']).toBeUndefined();
    expect(proxy[Symbol.iterator]).toBeUndefined();
    expect(proxy['Add']).toBe(proxy['Add']);
    expect(Reflect.set(proxy, 'Add', 1)).toBe(false);
  });

  it('rejects an empty service name', async () => {
    const { client } = await setup();
    expect(() => client.service('')).toThrow('name must be a non-empty string, got ""');
  });
});
