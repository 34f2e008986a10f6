// README examples held to their type-checked fixtures (`@rerpc/internal/testing`): a package's
// README shows `test/fixtures/readme-*.ts` word for word but for the import path, and a test runs
// the fixture.
import { readFileSync } from 'node:fs';
import { expect, onTestFinished, vi } from 'vitest';

/** The ```ts block after `heading` in `readme` (the first, or the one after `skip` others). */
export function readmeBlock(readme: string, heading: string, skip = 0): string {
  const start = readme.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  let open = readme.indexOf('```ts\n', start);
  for (let i = 0; i < skip; i++) open = readme.indexOf('```ts\n', open + 6);
  expect(open, `a ts block after ${heading}`).toBeGreaterThanOrEqual(0);
  return readme.slice(open + 6, readme.indexOf('```\n', open + 6));
}

/**
 * A fixture's text as its README shows it: the fixture imports the package from
 * `'../../src/index.js'`, the README from its published name `pkg`.
 */
export function fixtureAsShown(fixture: URL, pkg: string): string {
  return readFileSync(fixture, 'utf8').replace("from '../../src/index.js'", `from '${pkg}'`);
}

/**
 * console.log's calls (silenced) while `run` runs; with `count`, once that many were made (an
 * example may log after its top level finished; waits up to 10 s).
 */
export async function logged(run: () => Promise<unknown>, count?: number): Promise<unknown[][]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  onTestFinished(() => log.mockRestore());
  // A second call in the same test gets the same spy: count from here.
  const from = log.mock.calls.length;
  await run();
  if (count !== undefined) {
    await vi.waitUntil(() => log.mock.calls.length - from >= count, {
      timeout: 10_000,
      interval: 5,
    });
  }
  return log.mock.calls.slice(from);
}

/**
 * The options table that follows `heading` in a README (`| \`name\` | type | default | meaning |`
 * rows): option name → its default cell, backticks removed. Empty if the heading is missing.
 */
export function readmeDefaults(readme: string, heading: string): Map<string, string> {
  const rows = new Map<string, string>();
  const start = readme.indexOf(heading);
  if (start < 0) return rows;
  for (const line of readme.slice(start).split('\n').slice(1)) {
    if (rows.size > 0 && !line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const option = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (option !== undefined) rows.set(option, (cells[3] ?? '').replace(/`/g, ''));
  }
  return rows;
}

/**
 * Expects the options table after `heading` to list exactly the options of `defaults`, each with
 * its default as `show` writes it (`String(value)` unless given).
 */
export function expectReadmeDefaults(
  readme: string,
  heading: string,
  defaults: object,
  show: (value: unknown, option: string) => string = String,
): void {
  const table = readmeDefaults(readme, heading);
  expect([...table.keys()].sort()).toEqual(Object.keys(defaults).sort());
  for (const [option, value] of Object.entries(defaults)) {
    expect(table.get(option), option).toBe(show(value, option));
  }
}
