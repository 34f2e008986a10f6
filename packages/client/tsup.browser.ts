import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// The browser entry (`@rerpc/client/browser`): one ES module with our packages compiled in from
// their sources, so a bundler meets no `@rerpc/*` import (whose Node builds import `buffer`,
// `net`), and each package's unused modules (decoders, the TCP connector, undici and ws links)
// are dropped by `sideEffects: false`. Built after the Node entry (package.json `build`), which
// cleans dist.
const sources: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'rerpc-sources',
  setup(build) {
    build.onResolve({ filter: /^@rerpc\/(codec|conn-pool|protocol)$/ }, (args) => ({
      path: resolve('..', args.path.slice('@rerpc/'.length), 'src/index.ts'),
    }));
  },
};

export default defineConfig({
  ...packageBuild,
  entry: { browser: 'src/browser.ts' },
  format: ['esm'],
  platform: 'browser',
  target: 'es2022',
  clean: false,
  // Every error class sets its `name` itself (a page's minifier renames classes anyway), so the
  // browser build does without keepNames' __name() wrappers: 183 of them, ~1 KB gzipped.
  keepNames: false,
  noExternal: [/^@rerpc\//],
  esbuildPlugins: [sources],
});
