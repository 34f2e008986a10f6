import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it, onTestFinished, describe as suite } from 'vitest';
import { builtErrorNameProblems, thrown } from '../src/testing.js';

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
