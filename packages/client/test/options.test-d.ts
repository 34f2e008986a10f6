import { describe, expectTypeOf, it } from 'vitest';
import type { Client, ClientOptions, ClientTarget, ClientTlsOptions } from '../src/index.js';
import { createClient } from '../src/index.js';

describe('createClient types', () => {
  it('takes object and URL targets, and the transport options', () => {
    expectTypeOf(createClient).parameter(0).toEqualTypeOf<ClientTarget>();
    expectTypeOf<'http://h:1/'>().toMatchTypeOf<ClientTarget>();
    expectTypeOf<{ host: string; port: number }>().toMatchTypeOf<ClientTarget>();
    expectTypeOf(createClient).returns.toEqualTypeOf<Client>();
    expectTypeOf<{ autoBatch: 10; headers: { a: string } }>().toMatchTypeOf<ClientOptions>();
    expectTypeOf<{ ca: string; rejectUnauthorized: boolean }>().toMatchTypeOf<ClientTlsOptions>();
    // @ts-expect-error a target is an object or a string
    expectTypeOf<5>().toMatchTypeOf<ClientTarget>();
    // @ts-expect-error header values are strings
    expectTypeOf<{ headers: { a: number } }>().toMatchTypeOf<ClientOptions>();
    // @ts-expect-error tls takes tls.connect()'s options only
    expectTypeOf<{ tls: { port: number } }>().toMatchTypeOf<ClientOptions>();
  });
});
