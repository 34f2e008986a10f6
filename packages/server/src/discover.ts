import { checkOptions, describe, optionError } from '@rerpc/internal';
import {
  type OpenRpcDocument,
  type OpenRpcInfo,
  openRpcDocument,
  type Registry,
} from '@rerpc/registry';

/** The `discover` option's object form. */
export interface DiscoverOptions {
  /**
   * The document's `info`: the API's title and version (not rerpc's), and a description.
   * @default { title: 'JSON-RPC API', version: '0.0.0' }
   */
  info?: OpenRpcInfo;
}

/** The method that answers the OpenRPC document (the name the OpenRPC spec gives it). */
export const DISCOVER_METHOD = 'rpc.discover';

const DEFAULT_INFO: OpenRpcInfo = Object.freeze({ title: 'JSON-RPC API', version: '0.0.0' });
const OPTIONS: readonly string[] = ['info'];
const INFO_KEYS: readonly string[] = ['title', 'version', 'description'];

/** The `discover` option resolved: the document's info, or `false` for no `rpc.discover`. */
export type ResolvedDiscover = false | Readonly<{ info: Readonly<OpenRpcInfo> }>;

/** Validates the `discover` option: `false`, `true` or `{ info? }`. */
export function resolveDiscover(value: unknown): ResolvedDiscover {
  if (value === undefined || value === false) return false;
  if (value === true) return Object.freeze({ info: DEFAULT_INFO });
  checkOptions(value as object, OPTIONS, 'discover');
  const info = (value as DiscoverOptions).info;
  if (info === undefined) return Object.freeze({ info: DEFAULT_INFO });
  checkOptions(info as object, INFO_KEYS, 'discover.info');
  for (const key of INFO_KEYS) {
    const text = (info as unknown as Record<string, unknown>)[key];
    if (key === 'description' && text === undefined) continue;
    if (typeof text !== 'string' || text === '') {
      throw optionError(`discover.info.${key} must be a non-empty string, got ${describe(text)}`);
    }
  }
  return Object.freeze({ info: Object.freeze({ ...info }) });
}

/**
 * Registers `rpc.discover`: it answers the OpenRPC document of every method registered (but
 * itself), built on the first call and cached until the next registration.
 */
export function registerDiscover(registry: Registry, discover: ResolvedDiscover): void {
  if (discover === false) return;
  const { info } = discover;
  let document: OpenRpcDocument | null = null;
  // Stryker disable next-line UnaryOperator: the first call builds whatever builtAt holds (document is null)
  let builtAt = -1;
  const answer = (): OpenRpcDocument => {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: either half alone (or rebuilding every call) answers the same document; the cache only saves the rebuild
    if (document === null || builtAt !== registry.version) {
      const methods = registry.list().filter((m) => m.name !== DISCOVER_METHOD);
      document = openRpcDocument(methods, info);
      builtAt = registry.version;
    }
    return document;
  };
  // Stryker disable next-line ObjectLiteral,StringLiteral: rpc.discover leaves itself out of the document, so its own summary is never shown
  registry.system(DISCOVER_METHOD, answer, {
    // Stryker disable next-line StringLiteral: as above
    summary: 'The OpenRPC document of this server: every method, its params, result and errors.',
  });
}
