import { describe, expectTypeOf, it } from 'vitest';
import { type ClientOptions, createClient } from '../src/index.js';

describe('cancelMethod types', () => {
  it('takes a name, the object form or null', () => {
    const target = { host: '127.0.0.1', port: 1 };
    createClient(target, { cancelMethod: '$/cancelRequest' });
    createClient(target, { cancelMethod: null });
    createClient(target, {
      cancelMethod: { method: 'notifications/cancelled', idParam: 'requestId', answer: false },
    });
    // @ts-expect-error method is required
    createClient(target, { cancelMethod: { idParam: 'requestId' } });
    // @ts-expect-error misspelt member
    createClient(target, { cancelMethod: { method: 'x', idparam: 'requestId' } });
    expectTypeOf<ClientOptions['cancelMethod']>().toEqualTypeOf<
      string | { method: string; idParam?: string; answer?: boolean } | null | undefined
    >();
  });
});
