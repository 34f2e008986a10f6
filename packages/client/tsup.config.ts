import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// shims: node-registry.ts loads @rerpc/registry lazily with createRequire(), from import.meta.url in
// the ES module build and __filename in the CommonJS one.
export default defineConfig({ ...packageBuild, shims: true });
