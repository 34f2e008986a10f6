import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// The library (ESM + CJS) and the rerpc-types command (ESM, run by node).
export default defineConfig([
  packageBuild,
  { ...packageBuild, entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false },
]);
