// Issue 11: plain-JavaScript misuse fails loudly. `method()` follows the same name rules as
// `register()` (nothing reserved or internal-looking is ever callable), unknown option names are
// refused with a did-you-mean, option errors carry a code, and JSON Schema `format` works.
import { describe, expect, it } from 'vitest';
import { createRegistry, DEFAULTS, RegistrationError } from '../src/index.js';

const INVALID_OPTION = 'RERPC_ERR_INVALID_OPTION';
const noop = () => 0;

/** The error `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): Error & { code?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('expected a throw');
}

class Arith {
  Add({ a, b }: { a: number; b: number }) {
    return a + b;
  }
}

describe('method(): refused names, one case per rule', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['__proto__', '__proto__', /is refused: it starts with "_"/],
    ['constructor', 'constructor', /is refused: it is the name of an Object.prototype member/],
    ['toString', 'toString', /is refused: it is the name of an Object.prototype member/],
    ['another Object.prototype member', 'hasOwnProperty', /Object.prototype member/],
    ['an Object.prototype member as a part', 'Arith.valueOf', /its part "valueOf" is the name/],
    ['a leading underscore', '_private', /is refused: it starts with "_"/],
    ['an underscore part', 'Arith._secret', /its part "_secret" starts with "_"/],
    ['a leading dot', '.hidden', /it has an empty part/],
    ['a trailing dot', 'Arith.', /it has an empty part/],
    ['a doubled dot', 'Arith..Add', /it has an empty part/],
    ['a space', 'Arith Add', /contains whitespace or a control or invisible character/],
    ['a tab', 'Arith.\tAdd', /contains whitespace/],
    ['a newline', 'Add\n', /contains whitespace/],
    ['a control character', 'Add\u0000', /control or invisible character/],
    ['an invisible character', 'Add\u200b', /control or invisible character/],
    ['empty', '', /is refused: it is empty/],
    ['the reserved rpc. prefix', 'rpc.discover', /"rpc\." are reserved by JSON-RPC 2\.0/],
    ['a non-string name', 42, /method name must be a string, got 42/],
  ];
  for (const [rule, name, message] of cases) {
    it(`refuses ${rule} with RegistrationError and registers nothing`, () => {
      const r = createRegistry();
      const error = thrown(() => r.method(name as string, noop));
      expect(error).toBeInstanceOf(RegistrationError);
      expect(error.code).toBe('RERPC_ERR_REGISTRATION');
      expect(error.message).toMatch(message);
      expect(r.size).toBe(0);
    });
  }

  it('accepts ordinary names: bare, Service.method, dotted, non-ASCII, and "rpc" alone', () => {
    const r = createRegistry();
    for (const name of ['subtract', 'Arith.Add', 'a.b.c', 'math.add_1', 'Größe', 'rpc', 'RPC.x']) {
      r.method(name, noop);
    }
    expect(r.size).toBe(7);
  });
});

describe('system(): the reserved rpc. prefix, for rerpc packages only', () => {
  it('registers an rpc. method, which is then found and listed', () => {
    const r = createRegistry();
    r.system('rpc.discover', () => ({ methods: [] }));
    expect(r.get('rpc.discover')?.handler(undefined, null)).toEqual({ methods: [] });
    expect(r.list()).toEqual([
      {
        name: 'rpc.discover',
        params: null,
        result: null,
        summary: null,
        description: null,
        deprecated: false,
        examples: [],
        errors: [],
      },
    ]);
  });

  it('refuses a name outside rpc., and the other rules still apply', () => {
    const r = createRegistry();
    expect(() => r.system('discover', noop)).toThrow(/a system method's name starts with "rpc\."/);
    expect(() => r.system('rpc._x', noop)).toThrow(/its part "_x" starts with "_"/);
    expect(() => r.system('rpc.', noop)).toThrow(/empty part/);
    expect(() => r.system('rpc.toString', noop)).toThrow(RegistrationError);
    expect(r.size).toBe(0);
  });
});

describe('register(): the same rules for service and member names', () => {
  const services: Array<[string, RegExp]> = [
    ['__proto__', /starts with "_"/],
    ['constructor', /Object.prototype member/],
    ['toString', /Object.prototype member/],
    ['_Private', /starts with "_"/],
    ['.Arith', /contains "\."/],
    ['Ar.ith', /contains "\."/],
    ['Ar ith', /whitespace/],
    ['Arith\u0007', /control/],
    ['', /it is empty/],
    ['rpc', /reserved/],
  ];
  for (const [name, message] of services) {
    it(`refuses the service name ${JSON.stringify(name)}`, () => {
      const r = createRegistry();
      const error = thrown(() => r.register(new Arith(), { name }));
      expect(error).toBeInstanceOf(RegistrationError);
      expect(error.message).toMatch(message);
      expect(r.size).toBe(0);
    });
  }

  it('refuses a non-string service name', () => {
    expect(() => createRegistry().register(new Arith(), { name: 42 as never })).toThrow(
      /service name must be a string, got 42/,
    );
  });

  it('refuses register(42) and other non-objects', () => {
    for (const value of [42, 'Arith', null, undefined]) {
      const error = thrown(() => createRegistry().register(value as never));
      expect(error).toBeInstanceOf(RegistrationError);
      expect(error.message).toMatch(/register\(\) takes an object/);
    }
  });

  it('registers an Object.create(null) instance given a name, and refuses one without', () => {
    const r = createRegistry();
    const bare = Object.create(null) as Record<string, unknown>;
    bare['Echo'] = (params: unknown) => params;
    bare['_hidden'] = noop;
    expect(() => r.register(bare)).toThrow(/needs \{ name \}/);
    expect(r.register(bare, { name: 'Bare' })).toEqual(['Bare.Echo']);
    expect(r.get('Bare.Echo')?.handler([1], null)).toEqual([1]);
  });

  it('never exposes members named like Object.prototype members, even own ones', () => {
    class Loud {
      Speak() {
        return 'hi';
      }
      toString() {
        return 'Loud';
      }
      valueOf() {
        return 1;
      }
      ['with space']() {}
      ['a.b']() {}
    }
    const r = createRegistry();
    expect(r.register(new Loud())).toEqual(['Loud.Speak']);
  });
});

describe('unknown option names are refused, with a did-you-mean', () => {
  it('method() options', () => {
    const error = thrown(() => createRegistry().method('m', noop, { param: {} } as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toMatch(
      /^method "m" options has no option "param"; did you mean "params"\?/,
    );
  });

  it('register() options', () => {
    const error = thrown(() => createRegistry().register(new Arith(), { nmae: 'X' } as never));
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toMatch(
      /^register\(\) options has no option "nmae"; did you mean "name"\?/,
    );
  });

  it('register() per-method options, registering nothing', () => {
    const r = createRegistry();
    const error = thrown(() =>
      r.register(new Arith(), { methods: { Add: { param: {} } } } as never),
    );
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toMatch(
      /^register\(\) options\.methods\.Add has no option "param"; did you mean "params"\?/,
    );
    expect(r.size).toBe(0);
  });

  it('createRegistry() options', () => {
    const error = thrown(() => createRegistry({ format: {} } as never));
    expect(error.code).toBe(INVALID_OPTION);
    expect(error.message).toMatch(
      /^createRegistry\(\) options has no option "format"; did you mean "formats"\?/,
    );
  });
});

describe('option errors carry RERPC_ERR_INVALID_OPTION', () => {
  const cases: Array<[string, () => unknown]> = [
    ['createRegistry(5)', () => createRegistry(5 as never)],
    ['formats not an object', () => createRegistry({ formats: 'email' as never })],
    [
      'a format that is neither RegExp nor function',
      () => createRegistry({ formats: { x: 5 as never } }),
    ],
    ['a global RegExp format', () => createRegistry({ formats: { x: /a/g } })],
    ['method() options not an object', () => createRegistry().method('m', noop, 5 as never)],
    [
      'idempotent (not a method option)',
      () => createRegistry().method('m', noop, { idempotent: true } as never),
    ],
    [
      'register() options not an object',
      () => createRegistry().register(new Arith(), 'X' as never),
    ],
    [
      'methods not an object',
      () => createRegistry().register(new Arith(), { methods: [] as never }),
    ],
  ];
  for (const [what, fn] of cases) {
    it(`${what}: a TypeError with code ${INVALID_OPTION}`, () => {
      const error = thrown(fn);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe(INVALID_OPTION);
    });
  }
});

describe('JSON Schema format', () => {
  const schema = {
    type: 'object',
    required: ['email'],
    properties: { email: { type: 'string', format: 'email' } },
  };

  it('format: "email" rejects a non-email with -32602 data and accepts an email', () => {
    const r = createRegistry();
    r.method('Users.invite', noop, { params: schema });
    const validate = r.get('Users.invite')?.validate;
    expect(validate?.({ email: 'not an email' })).toEqual({
      code: -32602,
      message: 'Invalid params',
      data: [{ path: '/email', message: 'must match format "email"' }],
    });
    expect(validate?.({ email: 'ada@example.com' })).toBeNull();
  });

  it('has the common formats on: date-time, date, uuid, uri, ipv4', () => {
    const r = createRegistry();
    const cases: Array<[string, string, string]> = [
      ['date-time', '2026-12-02T02:51:46Z', 'yesterday'],
      ['date', '2026-12-02', '2026-13-45'],
      ['uuid', '1b4e28ba-2fa1-11d2-883f-0016d3cca427', '1234'],
      ['uri', 'https://example.com/a?b=c', 'not a uri'],
      ['ipv4', '127.0.0.1', '999.1.1.1'],
    ];
    for (const [format, good, bad] of cases) {
      r.method(`F.${format.replace('-', '')}`, noop, { params: { type: 'string', format } });
      const validate = r.get(`F.${format.replace('-', '')}`)?.validate;
      expect(validate?.(good), `${format} ${good}`).toBeNull();
      expect(validate?.(bad)?.code, `${format} ${bad}`).toBe(-32602);
    }
  });

  it('adds custom formats (RegExp or function) and may replace a built-in one', () => {
    const r = createRegistry({
      formats: {
        'order-id': /^ord_[a-z0-9]+$/,
        even: (value: string) => value.length % 2 === 0,
        email: (value: string) => value.endsWith('@example.com'),
      },
    });
    r.method('Orders.get', noop, { params: { type: 'string', format: 'order-id' } });
    r.method('Even.check', noop, { params: { type: 'string', format: 'even' } });
    r.method('Only.example', noop, { params: { type: 'string', format: 'email' } });
    expect(r.get('Orders.get')?.validate?.('ord_42')).toBeNull();
    expect(r.get('Orders.get')?.validate?.('42')?.code).toBe(-32602);
    expect(r.get('Even.check')?.validate?.('ab')).toBeNull();
    expect(r.get('Even.check')?.validate?.('abc')?.code).toBe(-32602);
    expect(r.get('Only.example')?.validate?.('ada@example.com')).toBeNull();
    expect(r.get('Only.example')?.validate?.('ada@elsewhere.org')?.code).toBe(-32602);
  });

  it('refuses at registration a schema naming an unknown format', () => {
    const r = createRegistry();
    expect(() =>
      r.method('m', noop, { params: { type: 'string', format: 'no-such-format' } }),
    ).toThrow(RegistrationError);
  });

  it('DEFAULTS has no custom formats', () => {
    expect(DEFAULTS).toEqual({ formats: {} });
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });
});

describe('the built package keeps class names (ESM and CJS)', () => {
  it('every exported error class is named as exported', async () => {
    // Paths as values, so typechecking does not need a build (turbo builds before it tests).
    const { createRequire } = await import('node:module');
    const esm = (await import(new URL('../dist/index.js', import.meta.url).href)) as object;
    const cjs = createRequire(import.meta.url)(
      new URL('../dist/index.cjs', import.meta.url).pathname,
    ) as object;
    for (const build of [esm, cjs]) {
      const classes = Object.entries(build).filter(([name]) => name.endsWith('Error'));
      expect(classes.length).toBeGreaterThan(0);
      for (const [name, value] of classes) expect((value as () => void).name).toBe(name);
    }
  });
});
