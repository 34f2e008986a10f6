import type { Options } from 'tsup';

/** Every package ships ESM + CJS + .d.ts from one src/index.ts. */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  sourcemap: true,
  clean: true,
  minify: false,
  splitting: false,
};
