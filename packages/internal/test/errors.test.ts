import { expect, expectTypeOf, it, describe as suite } from 'vitest';
import {
  brand,
  errorClass,
  INVALID_OPTION,
  isRerpcError,
  optionError,
  RerpcError,
} from '../src/index.js';
import { errorClassProblems } from '../src/testing.js';
import { ClosedError } from './fixtures.js';

class QueueFullError extends RerpcError {
  override readonly name = 'QueueFullError';
  readonly code = 'RERPC_ERR_QUEUE_FULL';
  readonly size: number;

  constructor(size: number, options?: { cause?: unknown }) {
    super(`full at ${size}`, options);
    this.size = size;
  }
}
brand(QueueFullError, 'RERPC_ERR_QUEUE_FULL');

class AbortError extends RerpcError {
  override readonly name = 'AbortError';
  readonly code = 'RERPC_ERR_ABORTED';
}
brand(AbortError, 'RERPC_ERR_ABORTED');

/** What another installed copy of a package defines: same code, a different class object. */
function copyOfAbortError() {
  class AbortError extends RerpcError {
    override readonly name = 'AbortError';
    readonly code = 'RERPC_ERR_ABORTED';
  }
  brand(AbortError, 'RERPC_ERR_ABORTED');
  return AbortError;
}

/** A class written before the base existed (the old per-package boilerplate). */
function legacyAbortError() {
  const ABORTED = Symbol.for('rerpc.error.RERPC_ERR_ABORTED');
  class AbortError extends Error {
    override readonly name = 'AbortError';
    readonly code = 'RERPC_ERR_ABORTED';
    static override [Symbol.hasInstance](value: unknown): boolean {
      return (value as Record<symbol, unknown> | null)?.[ABORTED] === true;
    }
  }
  Object.defineProperty(AbortError.prototype, ABORTED, { value: true });
  return AbortError;
}

suite('RerpcError and brand()', () => {
  it('keeps name, code, message, cause and own fields', () => {
    const cause = new Error('root');
    const error = new QueueFullError(3, { cause });
    expect(error.name).toBe('QueueFullError');
    expect(error.code).toBe('RERPC_ERR_QUEUE_FULL');
    expect(error.message).toBe('full at 3');
    expect(error.cause).toBe(cause);
    expect(error.size).toBe(3);
    expect(String(error)).toBe('QueueFullError: full at 3');
    expect(error.stack).toContain('QueueFullError: full at 3');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'QueueFullError',
      code: 'RERPC_ERR_QUEUE_FULL',
      size: 3,
    });
  });

  it('instanceof matches its own class, Error and RerpcError, not another code', () => {
    const error = new QueueFullError(1);
    expect(error instanceof QueueFullError).toBe(true);
    expect(error instanceof Error).toBe(true);
    expect(error instanceof RerpcError).toBe(true);
    expect(error instanceof AbortError).toBe(false);
    expect(new Error('x') instanceof QueueFullError).toBe(false);
    const notObjects: unknown[] = [null, undefined, 'RERPC_ERR_QUEUE_FULL'];
    for (const value of notObjects) expect(value instanceof QueueFullError).toBe(false);
  });

  it('instanceof works across copies of a class with the same code, both ways', () => {
    const Copy = copyOfAbortError();
    expect(new Copy() instanceof AbortError).toBe(true);
    expect(new AbortError() instanceof Copy).toBe(true);
  });

  it('instanceof works with classes written before the base, both ways', () => {
    const Legacy = legacyAbortError();
    expect(new Legacy() instanceof AbortError).toBe(true);
    expect(new AbortError() instanceof Legacy).toBe(true);
  });

  it('a subclass of a branded class matches its parent', () => {
    class Special extends QueueFullError {}
    expect(new Special(1) instanceof QueueFullError).toBe(true);
    expect(new QueueFullError(1) instanceof Special).toBe(true); // the parent's brand, as before
  });

  it('refuses a code that is not the class own (at compile time) and a second brand', () => {
    class Mine extends RerpcError {
      readonly code = 'RERPC_ERR_MINE';
    }
    // @ts-expect-error the class's code is RERPC_ERR_MINE
    brand(Mine, 'RERPC_ERR_OTHER');
    expect(() => brand(Mine, 'RERPC_ERR_MINE')).toThrow(TypeError);
  });
});

suite('a default message given to brand()', () => {
  it('is the message when the constructor gets none; a given message and cause win', () => {
    expect(new ClosedError().message).toBe('It is closed; make a new one');
    const cause = new Error('why');
    const error = new ClosedError('Closed while waiting', { cause });
    expect(error.message).toBe('Closed while waiting');
    expect(error.cause).toBe(cause);
    expect(new ClosedError(undefined, { cause }).message).toBe('It is closed; make a new one');
  });

  it('is inherited by a subclass, and a class without one has an empty message', () => {
    class Sub extends ClosedError {}
    expect(new Sub().message).toBe('It is closed; make a new one');
    expect(new AbortError().message).toBe('');
  });
});

/** A class declared with errorClass(), with a field and a constructor that words its message. */
class ExhaustedError extends errorClass('ExhaustedError', 'RERPC_ERR_POOL_EXHAUSTED') {
  declare readonly maxActive: number;

  constructor(maxActive: number, options?: { cause?: unknown }) {
    super(`all ${maxActive} resources are in use; release one sooner`, options);
    Object.assign(this, { maxActive });
  }
}

class StoppedError extends errorClass(
  'StoppedError',
  'RERPC_ERR_STOPPED',
  'It stopped; start again',
) {}

suite('errorClass()', () => {
  it('makes a class that passes the error-class checks, from its name, code and message', () => {
    const cause = new Error('root');
    const exhausted = new ExhaustedError(4, { cause });
    expect(
      errorClassProblems(ExhaustedError, exhausted, 'RERPC_ERR_POOL_EXHAUSTED', cause),
    ).toEqual([]);
    expect(errorClassProblems(StoppedError, new StoppedError(), 'RERPC_ERR_STOPPED')).toEqual([]);
    expect(String(exhausted)).toBe(
      'ExhaustedError: all 4 resources are in use; release one sooner',
    );
  });

  it('sets name and code as own properties first, then the subclass fields', () => {
    const error = new ExhaustedError(4);
    expect(Object.entries(error)).toEqual([
      ['name', 'ExhaustedError'],
      ['code', 'RERPC_ERR_POOL_EXHAUSTED'],
      ['maxActive', 4],
    ]);
  });

  it('brands the class: another copy of the code, a brand() class and RerpcError match', () => {
    const Copy = errorClass('ExhaustedError', 'RERPC_ERR_POOL_EXHAUSTED');
    class Branded extends RerpcError {
      readonly code = 'RERPC_ERR_POOL_EXHAUSTED';
    }
    brand(Branded, 'RERPC_ERR_POOL_EXHAUSTED');
    const error = new ExhaustedError(1);
    for (const Class of [Copy, Branded, RerpcError]) expect(error instanceof Class).toBe(true);
    expect(new Copy('x') instanceof ExhaustedError).toBe(true);
    expect(new Branded() instanceof ExhaustedError).toBe(true);
    expect(error instanceof StoppedError).toBe(false);
    expect(isRerpcError(error)).toBe(true);
  });

  it('gives the default message when the constructor gets none; a given one wins', () => {
    const cause = new Error('why');
    const given = new StoppedError('Stopped while waiting', { cause });
    expect([new StoppedError().message, given.message, given.cause]).toEqual([
      'It stopped; start again',
      'Stopped while waiting',
      cause,
    ]);
    expect(new StoppedError(undefined, { cause }).message).toBe('It stopped; start again');
  });

  it('types name and code as literals, and each call makes a new class', () => {
    const error = new StoppedError();
    expectTypeOf(error.name).toEqualTypeOf<'StoppedError'>();
    expectTypeOf(error.code).toEqualTypeOf<'RERPC_ERR_STOPPED'>();
    expectTypeOf<ExhaustedError['maxActive']>().toEqualTypeOf<number>();
    expect(errorClass('A', 'RERPC_ERR_A')).not.toBe(errorClass('A', 'RERPC_ERR_A'));
  });
});

suite('isRerpcError', () => {
  it('is true for any rerpc error, from any copy, and for option errors', () => {
    expect(isRerpcError(new QueueFullError(1))).toBe(true);
    expect(isRerpcError(new (copyOfAbortError())())).toBe(true);
    const option = optionError('x must be y, got z');
    expect(isRerpcError(option)).toBe(true);
    expect(option).toBeInstanceOf(TypeError);
    expect(option.code).toBe(INVALID_OPTION);
    expect(Object.keys(option)).toEqual(['code']);
  });

  it('is false for anything else', () => {
    expect(isRerpcError(new Error('x'))).toBe(false);
    expect(isRerpcError({ code: 'RERPC_ERR_ABORTED' })).toBe(false);
    expect(isRerpcError(null)).toBe(false);
    expect(isRerpcError(undefined)).toBe(false);
    expect(isRerpcError('RERPC_ERR_ABORTED')).toBe(false);
  });
});
