import type { Client } from './api.js';
import { Balancer } from './balancer.js';
import { checkEndpointsTarget, type EndpointsTarget, isEndpointsTarget } from './endpoints.js';
import { healthCheck } from './health-check.js';
import { setLinkEvents } from './link-pool.js';
import { createLinkSet } from './links.js';
import { callTracer, linkEvents } from './node-diagnostics.js';
import { loadRegistry } from './node-registry.js';
import { type ClientOptions, resolveClientOptions } from './options.js';
import { ClientImpl } from './peer-client.js';
import type { Platform } from './platform.js';
import {
  type ClientTarget,
  checkTarget,
  checkTransportOptions,
  type ResolvedTarget,
} from './target.js';

/**
 * Node: every transport (links.ts), @rerpc/registry loaded with `require`, and the diagnostics
 * channels (node-diagnostics.ts).
 */
const NODE: Platform = { links: createLinkSet, registry: loadRegistry, tracer: callTracer };
setLinkEvents(linkEvents);

/**
 * Creates a client for the server at `target`: `{ host, port }`, `{ path }`, a URL
 * (`'http(s)://…'`, `'ws(s)://…'`, `'tcp://host:port'`, `'tls://host:port'`), or a stream pair
 * (`{ stream }`, `{ readable, writable }`: one connection, Content-Length frames by default). No connection is
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
  if (isEndpointsTarget(target)) return createBalancedClient(target as EndpointsTarget, options);
  const resolved = checkTarget(target);
  // A stream speaks Content-Length by default, as LSP does.
  const o = resolveClientOptions(
    options,
    resolved.transport === 'stream' ? 'content-length' : 'ndjson',
  );
  checkTransportOptions(resolved, o);
  return new ClientImpl(resolved, o, NODE);
}

/**
 * A client of several servers: one link set per endpoint behind a Balancer (balancer.ts). The
 * client's options are checked against each endpoint as it appears.
 */
function createBalancedClient(target: EndpointsTarget, options?: ClientOptions): Client {
  const spec = checkEndpointsTarget(target);
  const o = resolveClientOptions(options, 'ndjson');
  for (const endpoint of spec.list ?? []) checkTransportOptions(endpoint, o);
  const address = spec.address;
  // The Balancer's links ignore this target: the client reads only its address, and its transport
  // only to tell 'http' apart.
  const whole: ResolvedTarget = {
    // Stryker disable next-line StringLiteral: ('') read only as "not 'http'"
    transport: 'tcp',
    address,
    tcp: null,
    url: null,
    // Stryker disable next-line BooleanLiteral: never read (see above)
    secure: false,
    stream: null,
  };
  const method = spec.healthMethod;
  // A health check speaks NDJSON over plain TCP; elsewhere a probe is a dial.
  const check =
    method === null || o.framing !== 'ndjson' || o.tls !== null
      ? null
      : (endpoint: ResolvedTarget) =>
          endpoint.transport === 'tcp' && !endpoint.secure
            ? healthCheck(endpoint, method, o.dialTimeout)
            : null;
  const platform: Platform = {
    ...NODE,
    links: (host) =>
      new Balancer(
        spec,
        (endpoint) => {
          checkTransportOptions(endpoint, o);
          return createLinkSet(host, endpoint, o);
        },
        Date.now,
        Math.random,
        check,
      ),
  };
  return new ClientImpl(whole, o, platform);
}
