import { readFileSync } from 'node:fs';
import { errorClassProblems } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  DialError,
  DialTimeoutError,
  PoolClosedError,
  PoolExhaustedError,
} from '../src/index.js';

const cause = new Error('underlying');
const errors = [
  [PoolExhaustedError, new PoolExhaustedError(10, 500, { cause }), 'RERPC_ERR_POOL_EXHAUSTED'],
  [PoolClosedError, new PoolClosedError(undefined, { cause }), 'RERPC_ERR_POOL_CLOSED'],
  [DialTimeoutError, new DialTimeoutError(50, 'h:1', { cause }), 'RERPC_ERR_DIAL_TIMEOUT'],
  [DialError, new DialError('h:1', { cause }), 'RERPC_ERR_DIAL'],
  [AbortError, new AbortError(cause), 'RERPC_ERR_ABORTED'],
] as const;

describe('errors', () => {
  it.each(errors)(
    '%o: name, code, cause, message, stack, instanceof across copies',
    (Class, error, code) => {
      expect(errorClassProblems(Class, error, code, cause)).toEqual([]);
    },
  );

  it('an error of one class is no instance of another', () => {
    expect(new DialError(null, { cause })).not.toBeInstanceOf(DialTimeoutError);
  });

  it('says what to do in each message', () => {
    expect(new PoolExhaustedError(3, 100).message).toMatch(/all 3 \(maxActive\).*raise maxActive/);
    expect(new DialTimeoutError(100, null).message).toMatch(/create\(\).*acquireTimeout/);
    expect(new DialTimeoutError(100, 'h:1').message).toMatch(/h:1.*dialTimeout/);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(new DialError('127.0.0.1:1', { cause: refused }).message).toMatch(
      /Could not connect to 127\.0\.0\.1:1 \(connect ECONNREFUSED.*check that the server/,
    );
    expect(new DialError(null, { cause: 'text' }).message).toContain('create() failed (text)');
  });

  it('lists every code in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [Class, , code] of errors) {
      expect(readme).toContain(`\`${code}\``);
      expect(readme).toContain(`\`${Class.name}\``);
    }
  });
});
