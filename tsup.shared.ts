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
  // esbuild renames a class that refers to itself (`_RpcError`); users see `name` in logs.
  keepNames: true,
  splitting: false,
  // Shared helpers (private, never published) are compiled into each package.
  noExternal: ['@rerpc/internal'],
};
