import { describe, optionError } from '@rerpc/internal';
import type { BrowserClient } from './api.js';
import { createPlatformWsLinkSet } from './browser-ws-link.js';
import { createFetchLinkSet } from './fetch-link.js';
import type { LinkHost, LinkSet } from './link.js';
import {
  type BrowserClientOptions,
  DEFAULTS as CLIENT_DEFAULTS,
  type ClientOptions,
  type ResolvedBrowserOptions,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './options.js';
import { ClientImpl } from './peer-client.js';
import type { Platform } from './platform.js';
import { checkTransportOptions, checkUrlTarget, type ResolvedTarget } from './target.js';

/** A browser's links: a POST per call on `fetch`, or the platform's `WebSocket`. */
function createBrowserLinkSet(
  host: LinkHost,
  target: ResolvedTarget,
  o: ResolvedClientOptions,
): LinkSet {
  if (target.transport === 'http') return createFetchLinkSet(host, target.url!, o);
  return createPlatformWsLinkSet(host, target.url!, o);
}

function noRegistry(): never {
  throw optionError(
    "method() and register() answer the server's calls through @rerpc/registry (ajv, fast-json-stringify), which @rerpc/client/browser leaves out; in a page, take the server's notifications with onNotification() or subscribe()",
  );
}

/** The defaults of {@link createClient}: `@rerpc/client`'s, but `framing` and `tls`. */
export const DEFAULTS: ResolvedBrowserOptions = CLIENT_DEFAULTS;

const BROWSER: Platform = { links: createBrowserLinkSet, registry: noRegistry, tracer: null };

/**
 * Creates a client for the server at `target`, an `http(s)://` URL (a POST per call or batch,
 * on `fetch`) or a `ws(s)://` URL (the platform's `WebSocket`). No connection is made until the
 * first call. Throws `TypeError` at once for any other target or an invalid option, naming the
 * option, the rule and the value.
 *
 * @example
 * const client = createClient('ws://127.0.0.1:8080/', { timeout: 5000 });
 * const sum = await client.call('ArithService.Add', { a: 1, b: 2 });
 */
export function createClient(target: string, options?: BrowserClientOptions): BrowserClient {
  // URLs only (checkUrlTarget, not checkTarget: the checks of objects and streams stay out of
  // the bundle).
  const resolved = typeof target === 'string' ? checkUrlTarget(target) : null;
  if (resolved === null || (resolved.transport !== 'http' && resolved.transport !== 'ws')) {
    throw optionError(
      `target must be an 'http(s)://' or 'ws(s)://' URL in @rerpc/client/browser (a page has no TCP sockets or streams), got ${describe(target)}`,
    );
  }
  const o = resolveClientOptions(options as ClientOptions | undefined);
  checkTransportOptions(resolved, o);
  if (o.tls !== null) {
    throw optionError(
      'tls does not apply in @rerpc/client/browser: the browser verifies the server with its own trust store',
    );
  }
  if (o.headers !== null && resolved.transport === 'ws') {
    throw optionError(
      `headers applies only to http(s):// targets in @rerpc/client/browser: a browser's WebSocket sends no custom headers (put a token in the URL or a first call), got headers for ${resolved.address}`,
    );
  }
  return new ClientImpl(resolved, o, BROWSER);
}
