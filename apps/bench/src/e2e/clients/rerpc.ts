// @rerpc/client: one pooled client. A scenario's connection count N becomes `maxActive: N` with
// `pipelineThreshold` = calls in flight ÷ N, so that the pool really spreads the load over N
// connections (left at 100, it would carry `conns`' 400 calls on 4). 'default' (stress) leaves
// every option at its default.
import { clientMain } from '../client-main.js';

clientMain(async (target, connections, inflight) => {
  // Loaded here so that a broken build of @rerpc/client skips this contender with a reason.
  const { createClient } = await import('@rerpc/client');
  const options =
    connections === 'default'
      ? {}
      : connections === 1
        ? { maxActive: 1 }
        : { maxActive: connections, pipelineThreshold: Math.ceil(inflight / connections) };
  const client = createClient({ host: target.host, port: target.port }, options);
  return {
    call: (method, params) => client.call(method, params as object),
    close: () => client.close(),
    connections: () => client.stats().connections.active,
  };
});
