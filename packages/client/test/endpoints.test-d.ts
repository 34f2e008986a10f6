import { describe, expectTypeOf, it } from 'vitest';
import {
  type ClientTarget,
  createClient,
  dns,
  type EndpointStats,
  type EndpointsTarget,
  type Resolver,
} from '../src/index.js';

describe('endpoints target types', () => {
  it('takes endpoints or a resolver, with the balancing settings', () => {
    expectTypeOf<EndpointsTarget>().toMatchTypeOf<ClientTarget>();
    expectTypeOf(dns('a.test', { port: 1 })).toEqualTypeOf<Resolver>();
    createClient({
      endpoints: ['tcp://127.0.0.2:1', { host: '127.0.0.3', port: 1 }],
      pick: 'first',
    });
    createClient({ resolver: async () => [{ port: 1 }], resolveInterval: 0, ejectAfter: 0 });
    // @ts-expect-error: not a pick policy
    createClient({ endpoints: ['tcp://127.0.0.2:1'], pick: 'random' });
    // @ts-expect-error: dns() takes a family of 0, 4 or 6
    dns('a.test', { port: 1, family: 5 });
  });

  it('reports each endpoint in stats()', () => {
    const client = createClient({ endpoints: ['tcp://127.0.0.2:1'] });
    expectTypeOf(client.stats().endpoints).toEqualTypeOf<EndpointStats[] | null>();
  });
});
