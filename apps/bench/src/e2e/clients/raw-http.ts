// The HTTP ceiling's client: an undici 7 `Pool` with the scenario's keep-alive connections
// (`request()`, one exchange per connection at a time), one POST per call or batch.
import { clientMain } from '../client-main.js';
import type { Outcome } from '../load.js';
import { Pending } from '../raw-rpc.js';
import { httpPool, post } from '../web.js';

clientMain(async (target, connections) => {
  const pool = httpPool(target, connections);
  // Every POST carries its own answer, so one Pending serves the whole pool.
  const pending = new Pending();
  return {
    async call(method, params) {
      const { text, result } = pending.call(method, params);
      pending.receive(await post(pool, text));
      return result;
    },
    async batch(method, params): Promise<Outcome[]> {
      const { text, outcomes } = pending.batch(method, params);
      pending.receive(await post(pool, text));
      return outcomes;
    },
    close: () => pool.close(),
    connections: () => pool.stats.connected,
  };
});
