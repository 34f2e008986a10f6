import { defineConfig } from 'tsup';

// Runnable scripts, one file per entry; not a published package.
export default defineConfig({
  entry: ['src/*.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  splitting: false,
  // devDependencies used by the MCP examples and the dashboard (esbuild bundles its page):
  // imported at run time, not bundled.
  external: ['@modelcontextprotocol/sdk', 'zod', 'esbuild'],
});
