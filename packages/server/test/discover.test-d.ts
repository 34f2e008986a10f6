import { describe, expectTypeOf, it } from 'vitest';
import { createServer, type DiscoverOptions, type OpenRpcDocument } from '../src/index.js';

describe('discover types', () => {
  it('takes true, false or { info: { title, version, description? } }', () => {
    createServer({ discover: true });
    createServer({ discover: { info: { title: 'Calc', version: '1.0.0', description: 'x' } } });
    // @ts-expect-error info needs a version
    createServer({ discover: { info: { title: 'Calc' } } });
    // @ts-expect-error not a boolean or an object
    createServer({ discover: 'yes' });
    expectTypeOf<DiscoverOptions['info']>().toEqualTypeOf<
      { title: string; version: string; description?: string } | undefined
    >();
  });

  it('types method metadata and the document', () => {
    const server = createServer();
    server.method('m', () => 1, {
      summary: 's',
      examples: [{ name: 'e', params: [1], result: 1 }],
      errors: [{ code: 1, message: 'm', data: {} }],
      deprecated: true,
    });
    // @ts-expect-error an example needs params
    server.method('n', () => 1, { examples: [{ name: 'e' }] });
    expectTypeOf<OpenRpcDocument['methods'][number]['name']>().toEqualTypeOf<string>();
  });
});
