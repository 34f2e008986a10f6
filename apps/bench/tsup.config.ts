import { defineConfig } from 'tsup';

// Runnable scripts, one file per entry; not a published package. Output mirrors src/:
// dist/micro.js, dist/e2e.js (the orchestrator), dist/e2e/servers/<name>.js and
// dist/e2e/clients/<name>.js (one process each, forked by dist/e2e.js), dist/hostile/main.js and
// dist/hostile/server-main.js (the server under attack, forked by it).
export default defineConfig({
  entry: [
    'src/*.ts',
    'src/e2e/servers/*.ts',
    'src/e2e/clients/*.ts',
    'src/hostile/main.ts',
    'src/hostile/server-main.ts',
  ],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  // Not cleaned: a rebuild during an e2e run (say, to try a micro suite) then overwrites the
  // files the run is forking in place, instead of deleting them from under it.
  clean: false,
  splitting: false,
  // @rerpc/internal is private and ships TypeScript source: compiled in, as the packages do.
  noExternal: ['@rerpc/internal'],
  // devDependencies (tsup would bundle them): loaded from node_modules like the peers.
  external: ['undici', '@modelcontextprotocol/sdk', 'zod'],
});
