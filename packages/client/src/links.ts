import { createConnectionSet } from './connection-set.js';
import type { LinkHost, LinkSet } from './link.js';
import type { ClientTarget, ResolvedClientOptions } from './options.js';

/** The links to `target`, by its transport. */
export function createLinkSet(
  host: LinkHost,
  target: ClientTarget,
  o: ResolvedClientOptions,
): LinkSet {
  return createConnectionSet(host, target, o);
}
