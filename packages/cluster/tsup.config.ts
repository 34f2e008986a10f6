import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// Two entries: the API (`.`), and the file every worker process runs (dist/worker.js, forked by
// the primary through node:cluster; not an export: users never import it).
export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts', 'src/worker.ts'],
  // import.meta.url in the CJS build too: the primary finds dist/worker.js beside itself.
  shims: true,
});
