// @rerpc/client on an `http://` or `ws://` URL, as the bench's Caller. Shared by the HTTP and
// WebSocket client processes (the TCP one, clients/rerpc.ts, sets `pipelineThreshold` too).
import type { Caller, Outcome } from './load.js';
import { type Connections, errorMessage, type Target } from './protocol.js';

export async function openRerpc(
  scheme: 'http' | 'ws',
  target: Target,
  connections: Connections,
  extra: { autoBatch?: number } = {},
): Promise<Caller> {
  // Loaded here so that a broken build of @rerpc/client skips this contender with a reason.
  const { createClient } = await import('@rerpc/client');
  const url = `${scheme}://${target.host}:${target.port}/`;
  const options = connections === 'default' ? { ...extra } : { maxActive: connections, ...extra };
  let client: ReturnType<typeof createClient>;
  try {
    client = createClient(url as never, options);
  } catch (err) {
    // A build from before these transports refuses the URL: a skip, not a failure.
    throw new Error(
      `this build of @rerpc/client cannot open ${scheme}:// targets yet (createClient('${url}') threw: ${errorMessage(err)})`,
    );
  }
  // The first call dials: a refused dial is a skip too, with the client's reason.
  try {
    await client.call('ArithService.Add', { a: 0, b: 7 });
  } catch (err) {
    await client.close();
    throw new Error(
      `@rerpc/client over ${scheme}:// could not make a first call: ${errorMessage(err)}`,
    );
  }
  return {
    call: (method, params) => client.call(method, params as object),
    async batch(method, params): Promise<Outcome[]> {
      const results = await client.batch(params.map((p) => ({ method, params: p as object })));
      return results.map((r): Outcome => {
        if (r === undefined) return { ok: false, error: 'no answer in the batch' };
        return r.ok ? { ok: true, value: r.value } : { ok: false, error: errorMessage(r.error) };
      });
    },
    close: () => client.close(),
    // Open connections, busy or not (over HTTP an idle keep-alive socket counts as idle), as
    // the raw undici pool's `connected`.
    connections: () => {
      const { active, idle } = client.stats().connections;
      return active + idle;
    },
  };
}
