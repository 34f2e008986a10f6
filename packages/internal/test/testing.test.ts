import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it, onTestFinished, describe as suite } from 'vitest';
import { optionError } from '../src/index.js';
import {
  builtErrorNameProblems,
  deferred,
  errorClassProblems,
  errorFromAnotherCopy,
  optionErrorLike,
  readmeDefaults,
  thrown,
} from '../src/testing.js';
import { ClosedError } from './fixtures.js';

suite('testing helpers', () => {
  it('thrown() returns the error, and throws when nothing is thrown', () => {
    const error = new Error('x');
    expect(
      thrown(() => {
        throw error;
      }),
    ).toBe(error);
    expect(() => thrown(() => 1)).toThrow('expected a throw');
  });

  it('optionErrorLike() matches a coded TypeError by part of its message, or a RegExp', () => {
    const error = optionError('maxIdle must be an integer >= 0, got -1');
    expect(error).toEqual(optionErrorLike());
    expect(error).toEqual(optionErrorLike('must be an integer >= 0'));
    expect(error).toEqual(optionErrorLike(/^maxIdle must/));
    expect(error).not.toEqual(optionErrorLike('maxActive'));
    expect(new TypeError('maxIdle must be')).not.toEqual(optionErrorLike());
    expect(() => {
      throw error;
    }).toThrow(optionErrorLike(/got -1$/));
  });

  it('builtErrorNameProblems() reports renamed classes and builds without errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rerpc-internal-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'index.js'),
      'class _GoodError extends Error {}\nObject.defineProperty(_GoodError, "name", { value: "GoodError" });\nexport const GoodError = _GoodError;\nexport class _BadError extends Error {}\nexport { _BadError as BadError };\n',
    );
    writeFileSync(join(dir, 'index.cjs'), 'module.exports = { other: 1 };\n');
    const problems = await builtErrorNameProblems(pathToFileURL(`${dir}/`));
    expect(problems).toEqual(['ESM: BadError.name is _BadError', 'CJS: no *Error export']);
  });
});

suite('more testing helpers', () => {
  it('deferred() settles from outside', async () => {
    const d = deferred<number>();
    d.resolve(1);
    expect(await d.promise).toBe(1);
    const e = deferred();
    e.reject(new Error('no'));
    await expect(e.promise).rejects.toThrow('no');
  });

  it('errorFromAnotherCopy() carries the brand only', () => {
    const error = errorFromAnotherCopy('RERPC_ERR_X');
    expect(error).toBeInstanceOf(Error);
    expect(
      (error as unknown as Record<symbol, unknown>)[Symbol.for('rerpc.error.RERPC_ERR_X')],
    ).toBe(true);
  });

  it('readmeDefaults() reads the table after a heading, escaped pipes included', () => {
    const readme = [
      '## Other',
      '| `x` | t | `9` | m |',
      '### Options',
      '',
      '| option | type | default | meaning |',
      '|---|---|---|---|',
      '| `max` | integer | `10` | most |',
      "| `name` | string \\| URL | `'a'` | which |",
      '',
      '| `after` | t | `1` | not this table |',
    ].join('\n');
    expect([...readmeDefaults(readme, '### Options')]).toEqual([
      ['max', '10'],
      ['name', "'a'"],
    ]);
    expect(readmeDefaults(readme, '### Missing').size).toBe(0);
  });
});

suite('errorClassProblems', () => {
  it('finds nothing wrong with a well-made class', () => {
    const cause = new Error('why');
    const error = new ClosedError(undefined, { cause });
    expect(errorClassProblems(ClosedError, error, 'RERPC_ERR_TEST_CLOSED', cause)).toEqual([]);
  });

  it('lists what is wrong', () => {
    class Plain extends Error {}
    expect(errorClassProblems(Plain, new Plain('short'), 'RERPC_ERR_X', 1)).toEqual([
      'Plain: name is Error',
      'Plain: code is undefined, not RERPC_ERR_X',
      'Plain: cause not kept',
      'Plain: message too short: short',
      'Plain: stack lacks its name',
      "Plain: instanceof refuses another copy's error",
    ]);
  });
});
