// Issue 19: behaviour that mutation testing (pnpm mutation registry) found unpinned.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRegistry, RegistrationError } from '../src/index.js';

/** The error `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): Error & { code?: unknown; cause?: unknown } {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

class Svc {
  a() {
    return 'a';
  }
  b() {
    return 'b';
  }
}

describe('RegistrationError', () => {
  it('matches only registration errors', () => {
    for (const value of [null, undefined, 42, {}, new Error('x'), new TypeError('x')]) {
      expect(value instanceof RegistrationError).toBe(false);
    }
    expect(thrown(() => createRegistry().method('', () => 1))).toBeInstanceOf(RegistrationError);
  });
});

describe('option values of the wrong type are refused, saying which and what was given', () => {
  it.each<[string, unknown]>([
    ['a string', 'x'],
    ['an array', []],
    ['a number', 5],
  ])('createRegistry({ formats: %s })', (_, formats) => {
    const err = thrown(() => createRegistry({ formats: formats as never }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe('RERPC_ERR_INVALID_OPTION');
    expect(err.message).toMatch(
      /^formats must be an object of format name to RegExp or function, got /,
    );
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'x'],
    ['an array', []],
  ])('register(instance, %s)', (_, options) => {
    const err = thrown(() => createRegistry().register(new Svc(), options as never));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe('RERPC_ERR_INVALID_OPTION');
    expect(err.message).toMatch(/^register\(\) options must be an object, got /);
  });

  it('register(instance, { methods: a string })', () => {
    const err = thrown(() => createRegistry().register(new Svc(), { methods: 'x' as never }));
    expect(err.message).toBe(
      'register() options.methods must be an object of method name to options, got "x"',
    );
  });

  it('a custom format named "" or of the wrong kind', () => {
    expect(thrown(() => createRegistry({ formats: { '': /x/ } })).message).toBe(
      'formats: a format name must be a non-empty string',
    );
    expect(thrown(() => createRegistry({ formats: { id: /x/g } })).message).toBe(
      'formats.id must not have the g or y flag (RegExp#test would then depend on the previous call), got /x/g',
    );
    expect(thrown(() => createRegistry({ formats: { id: 5 as never } })).message).toBe(
      'formats.id must be a RegExp or a function (value: string) => boolean, got 5',
    );
  });
});

describe('register()', () => {
  it('an instance of an anonymous class needs a name, and says so', () => {
    const err = thrown(() => createRegistry().register(new (class {})()));
    expect(err).toBeInstanceOf(RegistrationError);
    expect(err.message).toBe(
      'register() needs { name } for an object that is not a class instance (or whose class is anonymous)',
    );
  });

  it('per-method options naming a non-method explain what counts as a method', () => {
    const err = thrown(() => createRegistry().register(new Svc(), { methods: { c: {} } }));
    expect(err.message).toMatch(
      /^Svc\.c: options name a member that is not a public method of the instance \(methods are own or inherited functions, not getters/,
    );
  });

  it('a schema that fails to compile for a later method leaves nothing registered', () => {
    const registry = createRegistry();
    expect(() =>
      registry.register(new Svc(), { methods: { b: { params: { type: 'bogus' } } } }),
    ).toThrow(RegistrationError);
    expect(registry.size).toBe(0);
    expect(registry.has('Svc.a')).toBe(false);
  });

  it('never exposes a function added to Object.prototype or found on Function.prototype', () => {
    Object.defineProperty(Object.prototype, 'polluted', {
      value: () => 'x',
      configurable: true,
      writable: true,
    });
    onTestFinished(() => {
      delete (Object.prototype as Record<string, unknown>)['polluted'];
    });
    const registry = createRegistry();
    expect(registry.register(new Svc())).toEqual(['Svc.a', 'Svc.b']);
    // An object whose chain passes through Function.prototype: apply, bind, call stay hidden.
    const fnLike = Object.assign(Object.create(Function.prototype) as object, { go: () => 1 });
    expect(registry.register(fnLike, { name: 'F' })).toEqual(['F.go']);
  });
});

describe('schemas that fail to compile', () => {
  it('an invalid params or result schema is a RegistrationError naming the method, with the cause', () => {
    const registry = createRegistry();
    for (const [which, options] of [
      ['params', { params: { type: 'bogus' } }],
      ['result', { result: { type: 'bogus' } }],
    ] as const) {
      const err = thrown(() => registry.method(`m.${which}`, () => 1, options));
      expect(err).toBeInstanceOf(RegistrationError);
      expect(err.message).toMatch(new RegExp(`^method "m\\.${which}": invalid ${which} schema: `));
      expect(err.cause).toBeInstanceOf(Error);
    }
    expect(registry.size).toBe(0);
  });
});

describe('the -32602 answer lists each problem with its path, and params where they help', () => {
  const registry = createRegistry();
  registry.method('m', () => 1, {
    params: {
      type: 'object',
      required: ['a'],
      additionalProperties: false,
      properties: { a: { type: 'object', properties: { b: { type: 'string' } } } },
    },
  });
  const validate = registry.get('m')!.validate!;

  it('a missing or an extra property: path "/" and the ajv params naming it', () => {
    expect(validate({ x: 1 })).toStrictEqual({
      code: -32602,
      message: 'Invalid params',
      data: [
        {
          path: '/',
          message: "must have required property 'a'",
          params: { missingProperty: 'a' },
        },
        {
          path: '/',
          message: 'must NOT have additional properties',
          params: { additionalProperty: 'x' },
        },
      ],
    });
  });

  it('a wrong type: its JSON pointer path and no params', () => {
    expect(validate({ a: { b: 1 } })).toStrictEqual({
      code: -32602,
      message: 'Invalid params',
      data: [{ path: '/a/b', message: 'must be string' }],
    });
    expect(validate([1])).toStrictEqual({
      code: -32602,
      message: 'Invalid params',
      data: [{ path: '/', message: 'must be object' }],
    });
    expect(validate({ a: { b: 'ok' } })).toBeNull();
  });
});
