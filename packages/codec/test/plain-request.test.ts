import { describe, expect, it } from 'vitest';
import { compileRequestEncoder, plainRequestEncoder } from '../src/index.js';

describe('plainRequestEncoder', () => {
  it('is what compileRequestEncoder() returns without a params schema', () => {
    expect(compileRequestEncoder()).toBe(plainRequestEncoder);
    expect(plainRequestEncoder.request('A.b', { x: 1 }, 7)).toBe(
      '{"jsonrpc":"2.0","method":"A.b","params":{"x":1},"id":7}',
    );
    expect(plainRequestEncoder.notification('A.b', undefined)).toBe(
      '{"jsonrpc":"2.0","method":"A.b"}',
    );
  });

  it('comes from a module that does not import fast-json-stringify', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('../src/plain.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/fast-json-stringify'/);
  });
});
