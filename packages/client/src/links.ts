import { createConnectionSet } from './connection-set.js';
import { createHttpLinkSet } from './http-link.js';
import type { LinkHost, LinkSet } from './link.js';
import type { ResolvedClientOptions } from './options.js';
import { createStreamLinkSet } from './stream-link.js';
import type { ResolvedTarget } from './target.js';
import { createWsLinkSet } from './ws-link.js';

/** The links to `target`, by its transport. */
export function createLinkSet(
  host: LinkHost,
  target: ResolvedTarget,
  o: ResolvedClientOptions,
): LinkSet {
  if (target.transport === 'http') return createHttpLinkSet(host, target.url!, o);
  if (target.transport === 'ws') return createWsLinkSet(host, target.url!, o);
  if (target.transport === 'stream') return createStreamLinkSet(host, target.stream!, o);
  const tls = target.secure || o.tls !== null ? (o.tls ?? {}) : null;
  return createConnectionSet(host, target.tcp!, o, tls, target.address);
}
