import type { Options } from 'tsup';

/** Every package ships ESM + CJS + .d.ts from one src/index.ts. */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // The .d.ts inlines @rerpc/internal's types (RerpcError, the base of every error class): a
  // published package's types must not import a package that is never published. rollup-plugin-dts
  // keeps whatever TypeScript finds under node_modules external (and `dts.resolve` hands it the
  // symlinked path, so internal's own relative imports stay external); a path mapping to the
  // workspace source makes it an ordinary source file. Paths are relative to each package's dir.
  dts: { compilerOptions: { paths: { '@rerpc/internal': ['../internal/src/index.ts'] } } },
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
