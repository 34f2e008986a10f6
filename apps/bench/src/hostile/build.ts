import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** Which build of rerpc a run attacks: the server (and, for `close`, the client) to load. */
export interface Build {
  /** A name for the results: `new`, `old`, … */
  label: string;
  /** Path of `@rerpc/server`'s ESM entry (`dist/index.js`). */
  server: string;
  /** Path of `@rerpc/client`'s ESM entry. */
  client: string;
  /** The built child entry (dist/hostile/server-main.js) that loads `server`. */
  serverMain: string;
}

/** The ESM entry a package's `exports["."].import.default` names, resolved from this package. */
function workspaceEntry(name: '@rerpc/server' | '@rerpc/client'): string {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${name}/package.json`);
  return join(dirname(pkgJson), 'dist', 'index.js');
}

/**
 * A build: `root` is a checkout of this repository (with its packages built), e.g. a worktree of an
 * older commit; without it, the workspace's own packages. `server`/`client` override one path each.
 */
export function resolveBuild(options: {
  label: string;
  root?: string | undefined;
  server?: string | undefined;
  client?: string | undefined;
  serverMain: string;
}): Build {
  const fromRoot = (pkg: string) =>
    options.root === undefined
      ? undefined
      : join(resolve(options.root), 'packages', pkg, 'dist', 'index.js');
  const server = resolve(options.server ?? fromRoot('server') ?? workspaceEntry('@rerpc/server'));
  const client = resolve(options.client ?? fromRoot('client') ?? workspaceEntry('@rerpc/client'));
  for (const [what, path] of [
    ['server', server],
    ['client', client],
    ['server-main', options.serverMain],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${what} entry ${path} does not exist: build it first`);
  }
  return { label: options.label, server, client, serverMain: options.serverMain };
}
