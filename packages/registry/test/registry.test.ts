import { describe, expect, it } from 'vitest';
import { createRegistry, RegistrationError } from '../src/index.js';

class Base {
  inherited() {
    return 'base';
  }
  shadowed() {
    return 'base';
  }
}

class ArithService extends Base {
  factor = 1;
  Add({ a, b }: { a: number; b: number }) {
    return { result: (a + b) * this.factor };
  }
  override shadowed() {
    return 'child';
  }
  _secret() {
    return 'hidden';
  }
  get computed() {
    throw new Error('a getter must never be read by register()');
  }
  set computed(_v: number) {}
}

describe('register(instance)', () => {
  it('exposes own and inherited class methods as Name.method, bound to the instance', () => {
    const r = createRegistry();
    const names = r.register(new ArithService());
    expect(names.sort()).toEqual([
      'ArithService.Add',
      'ArithService.inherited',
      'ArithService.shadowed',
    ]);
    expect(r.get('ArithService.Add')?.handler({ a: 2, b: 3 }, null)).toEqual({ result: 5 });
    expect(r.get('ArithService.shadowed')?.handler(undefined, null)).toBe('child');
    expect(r.get('ArithService.inherited')?.handler(undefined, null)).toBe('base');
  });

  it('never exposes constructor, _names, accessors or Object.prototype members', () => {
    const r = createRegistry();
    r.register(new ArithService(), { name: 'Arith' });
    for (const hidden of [
      'constructor',
      '_secret',
      'computed',
      'toString',
      'hasOwnProperty',
      '__proto__',
      'valueOf',
      '__defineGetter__',
      'isPrototypeOf',
    ]) {
      expect(r.get(`Arith.${hidden}`)).toBeUndefined();
      expect(r.has(`Arith.${hidden}`)).toBe(false);
    }
  });

  it('uses the given name (Go RegisterName) over the class name (Go Register)', () => {
    const r = createRegistry();
    r.register(new ArithService(), { name: 'Calc' });
    expect(r.has('Calc.Add')).toBe(true);
    expect(r.has('ArithService.Add')).toBe(false);
  });

  it('registers a plain object with a name, and refuses one without', () => {
    const r = createRegistry();
    r.register({ ping: () => 'pong', _x: () => 1, value: 3 }, { name: 'Util' });
    expect(r.list().map((m) => m.name)).toEqual(['Util.ping']);
    expect(() => r.register({ ping: () => 1 })).toThrow(/needs \{ name \}/);
  });

  it('rejects a duplicate service and leaves the first intact', () => {
    const r = createRegistry();
    r.register(new ArithService());
    expect(() => r.register(new ArithService())).toThrow(
      /"ArithService\.(Add|inherited|shadowed)" is already registered/,
    );
    expect(r.size).toBe(3);
  });

  it('rejects bad service names, non-objects and services with no methods', () => {
    const r = createRegistry();
    expect(() => r.register(new ArithService(), { name: 'a.b' })).toThrow(RegistrationError);
    expect(() => r.register(new ArithService(), { name: '' })).toThrow(/is refused: it is empty/);
    expect(() => r.register(null as unknown as object)).toThrow(/takes an object/);
    expect(() => r.register({ n: 1 }, { name: 'Empty' })).toThrow(/no public methods/);
  });

  it('rejects per-method options that name a non-method, saying which', () => {
    const r = createRegistry();
    expect(() => r.register(new ArithService(), { methods: { factor: {} } })).toThrow(
      /ArithService\.factor/,
    );
    expect(() => r.register(new ArithService(), { methods: { _secret: {} } })).toThrow(/_secret/);
    expect(r.size).toBe(0);
  });

  it('applies per-method schemas', () => {
    const r = createRegistry();
    r.register(new ArithService(), {
      methods: {
        Add: {
          params: {
            type: 'object',
            properties: { a: { type: 'integer' }, b: { type: 'integer' } },
            required: ['a', 'b'],
          },
        },
      },
    });
    const add = r.get('ArithService.Add')!;
    expect(add.validate?.({ a: 1, b: 2 })).toBeNull();
    expect(r.get('ArithService.inherited')?.validate).toBeNull();
  });
});

describe('method(name, handler, options)', () => {
  it('registers a function and lists it with its schemas', () => {
    const r = createRegistry();
    const params = { type: 'array', items: { type: 'number' } };
    const result = { type: 'number' };
    r.method('sum', (p: number[]) => p.reduce((a, b) => a + b, 0), { params, result });
    expect(r.get('sum')?.handler([1, 2, 3], null)).toBe(6);
    expect(r.list()).toEqual([
      {
        name: 'sum',
        params,
        result,
        summary: null,
        description: null,
        deprecated: false,
        examples: [],
        errors: [],
      },
    ]);
  });

  it('answers a failed params check with -32602 listing every problem', () => {
    const r = createRegistry();
    r.method('add', () => 0, {
      params: {
        type: 'object',
        properties: { a: { type: 'integer' }, b: { type: 'integer' } },
        required: ['a', 'b'],
      },
    });
    const err = r.get('add')!.validate!({ a: 'x' });
    expect(err?.code).toBe(-32602);
    expect(err?.message).toBe('Invalid params');
    const data = err?.data as Array<{ path: string; message: string }>;
    expect(data.some((d) => d.path === '/a' && /integer/.test(d.message))).toBe(true);
    expect(data.some((d) => /required/.test(d.message) && /b/.test(d.message))).toBe(true);
  });

  it('compiles a result schema into the method’s encoder', () => {
    const r = createRegistry();
    r.method('pt', () => null, {
      result: { type: 'object', properties: { x: { type: 'integer' } } },
    });
    const text = r.get('pt')!.encoder.success(7, { x: 3, extra: 'dropped by the schema' });
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', result: { x: 3 }, id: 7 });
    const plain = createRegistry();
    plain.method('raw', () => null);
    expect(JSON.parse(plain.get('raw')!.encoder.success('a"b', { y: [1] }))).toEqual({
      jsonrpc: '2.0',
      result: { y: [1] },
      id: 'a"b',
    });
  });

  it('rejects invalid schemas, duplicates, empty names and non-functions, naming the method', () => {
    const r = createRegistry();
    expect(() => r.method('m', () => 0, { params: { type: 'nonsense' } })).toThrow(
      /method "m": invalid params schema/,
    );
    expect(() => r.method('m', () => 0, { params: { notAKeyword: 1 } })).toThrow(/method "m"/);
    r.method('ok', () => 0);
    expect(() => r.method('ok', () => 1)).toThrow(/"ok" is already registered/);
    expect(() => r.method('', () => 1)).toThrow(/is refused: it is empty/);
    expect(() => r.method('x', 42 as never)).toThrow(/handler must be a function/);
    expect(r.has('m')).toBe(false);
  });

  it('RegistrationError has a stable code and crosses copies by brand', () => {
    try {
      createRegistry().method('', () => 0);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RegistrationError);
      expect((err as RegistrationError).code).toBe('RERPC_ERR_REGISTRATION');
      expect((err as Error).name).toBe('RegistrationError');
    }
  });

  it('lookups never reach Object.prototype', () => {
    const r = createRegistry();
    for (const n of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      expect(r.get(n)).toBeUndefined();
    }
  });
});
