import { createRequire } from 'node:module';
import type { RegistryModule } from './handlers.js';

/**
 * @rerpc/registry, loaded on the first `method()` / `register()`: it compiles schemas with ajv,
 * whose import alone takes longer than the rest of the client's, so a client that only calls
 * never loads it. Loaded synchronously (registration throws at once, as the server's does).
 */
let registryModule: RegistryModule | null = null;

export function loadRegistry(): RegistryModule {
  // Stryker disable next-line ConditionalExpression: a cache: require() returns the same module again
  if (registryModule === null) {
    // The CommonJS build has __filename; the ES module build has import.meta (esbuild's `require`
    // shim there throws).
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: under vitest both name this module, and createRequire resolves @rerpc/registry from either; the builds are checked by the dist tests
    const from = typeof __filename === 'string' ? __filename : import.meta.url;
    registryModule = createRequire(from)('@rerpc/registry') as RegistryModule;
  }
  return registryModule;
}
