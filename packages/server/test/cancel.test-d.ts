import { describe, expectTypeOf, it } from 'vitest';
import { type CancelNotification, createServer, type ServerOptions } from '../src/index.js';

describe('cancelMethod types', () => {
  it('takes a name, the object form or null', () => {
    createServer({ cancelMethod: '$/cancelRequest' });
    createServer({ cancelMethod: null });
    createServer({
      cancelMethod: { method: 'notifications/cancelled', idParam: 'requestId', answer: false },
    });
    expectTypeOf<{ method: 'x' }>().toExtend<CancelNotification>();
    // @ts-expect-error method is required
    createServer({ cancelMethod: { idParam: 'requestId' } });
    // @ts-expect-error misspelt member
    createServer({ cancelMethod: { method: 'x', idparam: 'requestId' } });
    expectTypeOf<ServerOptions['cancelMethod']>().toEqualTypeOf<
      string | CancelNotification | null | undefined
    >();
  });
});
