// Helpers for the packages' tests only (`@rerpc/internal/testing`); never bundled into a build.
import { createRequire } from 'node:module';
import { expect } from 'vitest';

export { type SpecExample, specExamples, specRequest } from './spec-examples.js';
export {
  nextMessage,
  recordChannel,
  recordTracing,
  type TracingEvent,
} from './testing-channels.js';
export { type NodeProcess, spawnNode } from './testing-process.js';
export {
  expectReadmeDefaults,
  fixtureAsShown,
  logged,
  readmeBlock,
  readmeDefaults,
} from './testing-readme.js';

/** A promise with its settle functions, for gating work without timers. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * What a second installed copy of a package would construct for an error with `code`: a
 * different object whose prototype chain carries the same global brand. `instanceof` the local
 * class must be true for it.
 */
export function errorFromAnotherCopy(code: string): Error {
  const error = Object.create(Error.prototype) as Error & Record<symbol, unknown>;
  error[Symbol.for(`rerpc.error.${code}`)] = true;
  return error;
}

/**
 * What is wrong with one error class and an instance of it, as a list (empty: nothing): it must
 * be an `Error` and an instance of `Class`, named as the class, carry `code`, have a message
 * that says something (over 20 characters) and a stack that names the class, and `instanceof`
 * must accept an error from another installed copy with the same code and refuse a plain `Error`
 * and `null`. With `cause`, the instance must carry it.
 */
export function errorClassProblems(
  Class: abstract new (...args: never[]) => Error,
  error: Error & { code?: unknown },
  code: string,
  cause?: unknown,
): string[] {
  const problems: string[] = [];
  const name = Class.name;
  if (!(error instanceof Error)) problems.push(`${name}: not an Error`);
  if (!(error instanceof Class)) problems.push(`${name}: not instanceof its class`);
  if (error.name !== name) problems.push(`${name}: name is ${String(error.name)}`);
  if (error.code !== code) problems.push(`${name}: code is ${String(error.code)}, not ${code}`);
  if (cause !== undefined && error.cause !== cause) problems.push(`${name}: cause not kept`);
  if (error.message.length <= 20) problems.push(`${name}: message too short: ${error.message}`);
  if (!String(error.stack).includes(`${name}: `)) problems.push(`${name}: stack lacks its name`);
  if (!(errorFromAnotherCopy(code) instanceof Class)) {
    problems.push(`${name}: instanceof refuses another copy's error`);
  }
  const others: unknown[] = [new Error('plain'), null];
  if (others.some((other) => other instanceof Class)) {
    problems.push(`${name}: instanceof accepts a plain Error or null`);
  }
  return problems;
}

/**
 * Matches an option error (a `TypeError` coded `RERPC_ERR_INVALID_OPTION`) whose message contains
 * `message` (a string) or matches it (a RegExp); any message when none is given. For
 * `toThrow()`, `rejects.toThrow()`, `toEqual()` and `toMatchObject()`.
 */
export function optionErrorLike(message?: string | RegExp): unknown {
  return expect.objectContaining({
    name: 'TypeError',
    code: 'RERPC_ERR_INVALID_OPTION',
    message:
      message === undefined
        ? expect.any(String)
        : typeof message === 'string'
          ? expect.stringContaining(message)
          : expect.stringMatching(message),
  });
}

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
