// The README's example is test/fixtures/readme-example.ts (which `pnpm typecheck` compiles under
// strict), word for word but for the import path; this test holds them together and runs it.
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const fixture = readFileSync(new URL('./fixtures/readme-example.ts', import.meta.url), 'utf8');

/** The first ```ts block after `heading`. */
function block(heading: string): string {
  const start = readme.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const open = readme.indexOf('```ts\n', start);
  const close = readme.indexOf('```\n', open + 6);
  return readme.slice(open + 6, close);
}

/**
 * The text with its import lines sorted: a fixture imports the client from src/ (sorted last).
 * Stryker's sandbox (`pnpm mutation`) starts every file of test/ with `// @ts-nocheck`: dropped.
 */
function sorted(text: string): string {
  const lines = text.replace(/^\/\/ @ts-nocheck\n/, '').split('\n');
  const imports = lines.filter((line) => line.startsWith('import ')).sort();
  return [...imports, ...lines.filter((line) => !line.startsWith('import '))].join('\n');
}

describe('README example', () => {
  it('is the type-checked fixture, word for word', () => {
    expect(sorted(block('## Example'))).toBe(
      sorted(fixture.replace("from '../../src/index.js'", "from '@rerpc/client'")),
    );
  });

  it('runs and prints what its comments say', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    await import('./fixtures/readme-example.js');
    expect(log.mock.calls).toEqual([[{ result: 30 }], [-32601, 'Method not found']]);
  });

  it('shows HTTP and WebSocket with the type-checked fixture, word for word, and it runs', async () => {
    const web = readFileSync(new URL('./fixtures/readme-web-example.ts', import.meta.url), 'utf8');
    expect(sorted(block('### HTTP and WebSocket targets'))).toBe(
      sorted(web.replace("from '../../src/index.js'", "from '@rerpc/client'")),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    await import('./fixtures/readme-web-example.js');
    expect(log.mock.calls).toEqual([[{ result: 3 }], [{ result: 7 }]]);
  });

  it('shows calls from the server and a subscription with the type-checked fixture, and it runs', async () => {
    const peer = readFileSync(
      new URL('./fixtures/readme-peer-example.ts', import.meta.url),
      'utf8',
    );
    expect(sorted(block('### Calls from the server'))).toBe(
      sorted(peer.replace("from '../../src/index.js'", "from '@rerpc/client'")),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    await import('./fixtures/readme-peer-example.js');
    expect(log.mock.calls).toEqual([
      ['building a.ts'],
      [{ ok: true, config: { section: 'build', strict: true } }],
      ['tick', 1],
      ['tick', 2],
      ['tick', 3],
    ]);
  });

  it('shows cancellation reaching a server handler with the type-checked fixture, and it runs', async () => {
    const cancel = readFileSync(
      new URL('./fixtures/readme-cancel-example.ts', import.meta.url),
      'utf8',
    );
    expect(sorted(block('### Cancellation'))).toBe(
      sorted(cancel.replace("from '../../src/index.js'", "from '@rerpc/client'")),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    onTestFinished(() => log.mockRestore());
    await import('./fixtures/readme-cancel-example.js');
    expect(log.mock.calls).toEqual([
      ['client:', 'TimeoutError'],
      ['server:', 'RequestCancelledError'],
    ]);
  });

  it('says the examples are ES modules and shows CommonJS once', () => {
    expect(readme).toMatch(/examples are ES modules/);
    expect(readme.match(/require\('@rerpc\/client'\)/g)).toHaveLength(1);
  });

  it('listens on 127.0.0.1 in every example', () => {
    for (const listen of readme.match(/\.listen\([^)]*\)/g) ?? []) {
      expect(listen).toContain("host: '127.0.0.1'");
    }
  });
});
