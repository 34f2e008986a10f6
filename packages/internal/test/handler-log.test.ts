import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorClassName, HandlerErrorLog } from '../src/index.js';

describe('HandlerErrorLog', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('logs each key and error class once, with the error itself', () => {
    const lines: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args));
    const log = new HandlerErrorLog();
    const boom = new TypeError('boom');
    for (let i = 0; i < 3; i++) log.once('a', boom, (kind, more) => `${kind}|${more}`);
    log.once('a', new RangeError('x'), (kind) => kind);
    log.once('b', new TypeError('y'), (kind) => kind);
    expect(lines).toEqual([
      ['TypeError|logged once per method and error class', boom],
      ['RangeError', expect.any(RangeError)],
      ['TypeError', expect.any(TypeError)],
    ]);
  });

  it('stops after 1000 distinct pairs, saying so on the last line', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => void lines.push(text));
    const log = new HandlerErrorLog();
    for (let i = 0; i < 1005; i++) log.once(`m${i}`, new Error('x'), (_kind, more) => more);
    expect(lines).toHaveLength(1001);
    expect(lines.at(-1)).toBe('no further handler errors will be logged');
  });
});

describe('errorClassName', () => {
  it('names classes, primitives and hostile values without throwing', () => {
    expect(errorClassName(new SyntaxError('x'))).toBe('SyntaxError');
    expect(errorClassName(Object.create(null))).toBe('an object');
    expect(errorClassName('text')).toBe('a thrown string');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    expect(errorClassName(hostile)).toBe('a hostile value');
  });
});
