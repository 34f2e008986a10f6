import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it, onTestFinished } from 'vitest';
import { expectReadmeDefaults, fixtureAsShown, logged, readmeBlock } from '../src/testing.js';

const readme = '# x\n\n## Example\n\n```ts\none();\n```\n\n```ts\ntwo();\n```\n\n## API\n';

it('readmeBlock() returns the ts block after a heading, or the one after skip others', () => {
  expect(readmeBlock(readme, '## Example')).toBe('one();\n');
  expect(readmeBlock(readme, '## Example', 1)).toBe('two();\n');
  expect(() => readmeBlock(readme, '## Missing')).toThrow('## Missing');
});

it('fixtureAsShown() shows the import from src as the published name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rerpc-internal-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'f.ts'), "import { a } from '../../src/index.js';\na();\n");
  expect(fixtureAsShown(pathToFileURL(join(dir, 'f.ts')), '@rerpc/x')).toBe(
    "import { a } from '@rerpc/x';\na();\n",
  );
});

it('logged() returns what was logged, waiting for count calls when given', async () => {
  expect(await logged(async () => console.log(1, 2))).toEqual([[1, 2]]);
  const later = await logged(async () => {
    queueMicrotask(() => setImmediate(() => console.log('later')));
  }, 1);
  expect(later).toEqual([['later']]);
});

it('expectReadmeDefaults() holds an options table to DEFAULTS, as shown', () => {
  const table =
    "## Options\n\n| option | type | default | meaning |\n|---|---|---|---|\n| `a` | n | `1` | x |\n| `b` | s | `'x'` | y |\n";
  expectReadmeDefaults(table, '## Options', { a: 1, b: 'x' }, (v) =>
    typeof v === 'string' ? `'${v}'` : String(v),
  );
  expect(() => expectReadmeDefaults(table, '## Options', { a: 2, b: 'x' })).toThrow();
  expect(() => expectReadmeDefaults(table, '## Options', { a: 1 })).toThrow();
});
