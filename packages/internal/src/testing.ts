// Helpers for the packages' tests only (`@rerpc/internal/testing`); never bundled into a build.
import { createRequire } from 'node:module';

/** The error `fn` throws; throws itself if `fn` returns. */
export function thrown(fn: () => unknown): Error & { code?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('expected a throw');
}

/**
 * Loads a package's build (`dist/index.js` with `import`, `dist/index.cjs` with `require`) and
 * returns every problem with its exported `*Error` classes: a class whose `name` differs from
 * its export name (esbuild renames a class that refers to itself unless `keepNames`), or a build
 * that exports none. An empty list means the build keeps every error class's name.
 * @param dist the package's `dist/` directory, e.g. `new URL('../dist/', import.meta.url)`
 */
export async function builtErrorNameProblems(dist: URL): Promise<string[]> {
  const esm = (await import(new URL('index.js', dist).href)) as object;
  const cjs = createRequire(import.meta.url)(new URL('index.cjs', dist).pathname) as object;
  const problems: string[] = [];
  for (const [format, build] of [
    ['ESM', esm],
    ['CJS', cjs],
  ] as const) {
    const classes = Object.entries(build).filter(([name]) => name.endsWith('Error'));
    if (classes.length === 0) problems.push(`${format}: no *Error export`);
    for (const [name, value] of classes) {
      const actual = (value as { name?: unknown }).name;
      if (actual !== name) problems.push(`${format}: ${name}.name is ${String(actual)}`);
    }
  }
  return problems;
}
