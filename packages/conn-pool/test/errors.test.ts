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

  it('carries its data and an exact message', () => {
    expect(new PoolExhaustedError(3, 100)).toMatchObject({
      maxActive: 3,
      timeout: 100,
      message:
        'No resource became free within 100 ms: all 3 (maxActive) are in use; release resources sooner, or raise maxActive or acquireTimeout',
    });
    expect(new PoolClosedError().message).toBe(
      'The pool is closed and hands out no more resources; acquire before close(), or create a new pool',
    );
    expect(new DialTimeoutError(100, null)).toMatchObject({
      timeout: 100,
      address: null,
      message:
        'create() did not finish within 100 ms (acquireTimeout), so its signal was aborted; check what create() waits for, or raise acquireTimeout',
    });
    expect(new DialTimeoutError(100, 'h:1')).toMatchObject({
      timeout: 100,
      address: 'h:1',
      message:
        'Connecting to h:1 did not finish within 100 ms (dialTimeout); check that the address is right and reachable, or raise dialTimeout',
    });
    expect(new DialError(null, { cause: new Error('boom') })).toMatchObject({
      address: null,
      message: 'create() failed (boom); see cause, and check what create() depends on',
    });
    expect(new AbortError('why').message).toBe(
      'The operation was aborted by its signal; see cause for the reason',
    );
    expect(new AbortError('why', 'Gave up')).toMatchObject({ message: 'Gave up', cause: 'why' });
  });

  it('names the cause’s code in a DialError message once, and only a string code', () => {
    const coded = (message: string, code: unknown) => Object.assign(new Error(message), { code });
    const text = (cause: unknown) => new DialError('h:1', { cause }).message;
    expect(text(coded('socket hang up', 'ECONNRESET'))).toBe(
      'Could not connect to h:1 (ECONNRESET: socket hang up); check that the server is running and listening there',
    );
    expect(text(coded('connect ECONNREFUSED h:1', 'ECONNREFUSED'))).toContain(
      '(connect ECONNREFUSED h:1);',
    );
    expect(text(coded('odd', 42))).toContain('(odd);');
    expect(text(new Error('plain'))).toContain('(plain);');
    expect(text(undefined)).toContain('(undefined);');
  });

  it('lists every code in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [Class, , code] of errors) {
      expect(readme).toContain(`\`${code}\``);
      expect(readme).toContain(`\`${Class.name}\``);
    }
  });
});
