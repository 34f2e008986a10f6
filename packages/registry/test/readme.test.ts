import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RegistrationError } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every error code', () => {
    const err = new RegistrationError('x');
    expect(readme).toContain(err.code);
    expect(readme).toContain(err.name);
  });
});
