import type { CallTracer } from './diagnostics.js';
import type { RegistryModule } from './handlers.js';
import type { LinkHost, LinkSet } from './link.js';
import type { ResolvedClientOptions } from './options.js';
import type { ResolvedTarget } from './target.js';

/**
 * What differs between the client's entries (Node's `@rerpc/client`, the browser's
 * `@rerpc/client/browser`): how links to a target are made, and where @rerpc/registry comes
 * from. The life of a call (client.ts), subscriptions and the calls the server makes are shared.
 */
export interface Platform {
  /** The links to `target`, by its transport. */
  links(host: LinkHost, target: ResolvedTarget, o: ResolvedClientOptions): LinkSet;
  /** @rerpc/registry, on the first `method()` / `register()`; throws where it is not shipped. */
  registry(): RegistryModule;
  /** `tracingChannel('rerpc:client:call')` (Node); `null` where there is no diagnostics_channel. */
  readonly tracer: CallTracer | null;
}
