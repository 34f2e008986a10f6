import type { Client } from './api.js';
import {
  type ClientOptions,
  type ClientTarget,
  checkTarget,
  checkTransportOptions,
  resolveClientOptions,
} from './options.js';
import { ClientImpl } from './peer-client.js';

/**
 * Creates a client for the server at `target`: `{ host, port }`, `{ path }`, or a URL
 * (`'http(s)://…'`, `'ws(s)://…'`, `'tcp://host:port'`, `'tls://host:port'`). No connection is
 * made until the first call; the HTTP and WebSocket libraries (undici, ws) load on the first call
 * to such a target. Throws `TypeError` at once for an invalid target or option, naming the
 * option, the rule and the value.
 *
 * @example
 * const client = createClient({ host: '127.0.0.1', port: 4000 });
 * const sum = await client.call('ArithService.Add', { a: 1, b: 2 });
 * const web = createClient('http://127.0.0.1:8080/', { autoBatch: 100 });
 */
export function createClient(target: ClientTarget, options?: ClientOptions): Client {
  const resolved = checkTarget(target);
  const o = resolveClientOptions(options);
  checkTransportOptions(resolved, o);
  return new ClientImpl(resolved, o);
}
