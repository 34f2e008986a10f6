import { compileResponseEncoder, type ResponseEncoder } from '@rerpc/codec';
import type { ErrorObject } from '@rerpc/protocol';
import { Ajv, type ErrorObject as AjvErrorObject, type ValidateFunction } from 'ajv';
import { RegistrationError } from './errors.js';

/** A JSON Schema object (draft-07 / 2019-09 subset that ajv and fast-json-stringify accept). */
export type JsonSchema = Record<string, unknown>;

/**
 * A method handler: gets the request's `params` as sent (array, object or undefined) and the
 * transport's context, returns a value or a promise of one.
 */
export type Handler<Ctx = unknown> = (params: never, ctx: Ctx) => unknown;

/** Options for one method. */
export interface MethodOptions {
  /** JSON Schema for `params`, compiled with ajv at registration; a failed check answers -32602. */
  params?: JsonSchema;
  /** JSON Schema for the result, compiled with fast-json-stringify at registration. */
  result?: JsonSchema;
  /** Safe to call twice: clients may retry it after a lost connection. @default false */
  idempotent?: boolean;
}

export interface RegisterOptions {
  /** Service name: methods become `Name.method`. @default the instance's class name */
  name?: string;
  /**
   * Per-method options by method name. Naming a member that is not a method is an error. Methods
   * not named here are registered without schemas.
   */
  methods?: Record<string, MethodOptions>;
}

/** What the registry holds for one method: everything the call path needs, built once. */
export interface MethodEntry {
  readonly name: string;
  /** The handler, bound to its instance for class methods. */
  readonly handler: (params: unknown, ctx: unknown) => unknown;
  /** Validates params; `null` when the method has no params schema. */
  readonly validate: ((params: unknown) => ErrorObject | null) | null;
  /** Encodes a success response for this method (schema-compiled when it has a result schema). */
  readonly encoder: ResponseEncoder;
  readonly idempotent: boolean;
  readonly paramsSchema: JsonSchema | null;
  readonly resultSchema: JsonSchema | null;
}

/** A registered method as listed for discovery. */
export interface MethodInfo {
  name: string;
  params: JsonSchema | null;
  result: JsonSchema | null;
  idempotent: boolean;
}

export interface Registry {
  /** Registers a class instance's methods as `Name.method`; returns the names registered. */
  register(instance: object, options?: RegisterOptions): string[];
  /** Registers one function under a full method name. */
  method<Ctx = unknown>(name: string, handler: Handler<Ctx>, options?: MethodOptions): void;
  /** One `Map.get`; `undefined` when no such method. */
  get(name: string): MethodEntry | undefined;
  has(name: string): boolean;
  /** Every registered method, in registration order. */
  list(): MethodInfo[];
  readonly size: number;
}

// Service names may not contain '.', so that `Service.method` splits one way, as in Go rerpc.
const SERVICE_NAME = /^[^.\s]+$/;

export function createRegistry(): Registry {
  const methods = new Map<string, MethodEntry>();
  // One ajv for the registry: compiled validators share its cache. allErrors lists every
  // problem in the -32602 answer, not just the first.
  const ajv = new Ajv({ allErrors: true, strict: true });
  const defaultEncoder = compileResponseEncoder();

  function add(
    name: string,
    handler: (params: unknown, ctx: unknown) => unknown,
    options: MethodOptions | undefined,
  ): void {
    if (methods.has(name)) {
      throw new RegistrationError(`method "${name}" is already registered; pick another name`);
    }
    const paramsSchema = options?.params ?? null;
    const resultSchema = options?.result ?? null;
    let validate: MethodEntry['validate'] = null;
    if (paramsSchema !== null) {
      let fn: ValidateFunction;
      try {
        fn = ajv.compile(paramsSchema);
      } catch (err) {
        throw new RegistrationError(
          `method "${name}": invalid params schema: ${(err as Error).message}`,
          { cause: err },
        );
      }
      validate = (params) => (fn(params) ? null : invalidParams(fn.errors));
    }
    let encoder = defaultEncoder;
    if (resultSchema !== null) {
      try {
        encoder = compileResponseEncoder({ result: resultSchema });
      } catch (err) {
        throw new RegistrationError(
          `method "${name}": invalid result schema: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    methods.set(name, {
      name,
      handler,
      validate,
      encoder,
      idempotent: options?.idempotent === true,
      paramsSchema,
      resultSchema,
    });
  }

  return {
    register(instance, options = {}) {
      if (typeof instance !== 'object' || instance === null) {
        throw new RegistrationError(
          `register() takes an object (a class instance), got ${describe(instance)}`,
        );
      }
      const service = options.name ?? className(instance);
      if (typeof service !== 'string' || !SERVICE_NAME.test(service)) {
        throw new RegistrationError(
          `service name must be a non-empty string without dots or spaces, got ${describe(service)}`,
        );
      }
      const found = collectMethods(instance);
      const perMethod = options.methods ?? {};
      for (const key of Object.keys(perMethod)) {
        if (!found.has(key)) {
          throw new RegistrationError(
            `${service}.${key}: options name a member that is not a public method of the instance (` +
              'methods are own or inherited functions, not getters, not "constructor", not names starting with "_")',
          );
        }
      }
      // Check every name before adding any, so a failed register() leaves nothing behind.
      for (const key of found.keys()) {
        const full = `${service}.${key}`;
        if (methods.has(full)) {
          throw new RegistrationError(`method "${full}" is already registered; pick another name`);
        }
      }
      const names: string[] = [];
      const added: string[] = [];
      try {
        for (const [key, fn] of found) {
          const full = `${service}.${key}`;
          add(full, fn.bind(instance) as MethodEntry['handler'], perMethod[key]);
          added.push(full);
          names.push(full);
        }
      } catch (err) {
        for (const n of added) methods.delete(n);
        throw err;
      }
      if (names.length === 0) {
        throw new RegistrationError(
          `service "${service}" has no public methods to register (own or class methods, not starting with "_")`,
        );
      }
      return names;
    },

    method(name, handler, options) {
      if (typeof name !== 'string' || name.length === 0) {
        throw new RegistrationError(
          `method name must be a non-empty string, got ${describe(name)}`,
        );
      }
      if (typeof handler !== 'function') {
        throw new RegistrationError(
          `method "${name}": handler must be a function, got ${describe(handler)}`,
        );
      }
      add(name, handler as MethodEntry['handler'], options);
    },

    get: (name) => methods.get(name),
    has: (name) => methods.has(name),
    list: () =>
      [...methods.values()].map((m) => ({
        name: m.name,
        params: m.paramsSchema,
        result: m.resultSchema,
        idempotent: m.idempotent,
      })),
    get size() {
      return methods.size;
    },
  };
}

/**
 * The instance's callable methods: its own function-valued properties, then its class chain up
 * to (never including) Object.prototype. The nearest definition wins, as in a normal call.
 */
function collectMethods(instance: object): Map<string, (...args: unknown[]) => unknown> {
  const found = new Map<string, (...args: unknown[]) => unknown>();
  const seen = new Set<string>();
  for (
    let obj: object | null = instance;
    obj !== null && obj !== Object.prototype && obj !== Function.prototype;
    obj = Object.getPrototypeOf(obj)
  ) {
    for (const key of Object.getOwnPropertyNames(obj)) {
      if (seen.has(key)) continue;
      seen.add(key);
      if (key === 'constructor' || key.startsWith('_')) continue;
      const desc = Object.getOwnPropertyDescriptor(obj, key);
      // Accessors are skipped: reading a getter could run code, and it is not a method.
      if (desc === undefined || !('value' in desc) || typeof desc.value !== 'function') continue;
      found.set(key, desc.value as (...args: unknown[]) => unknown);
    }
  }
  return found;
}

function className(instance: object): string | undefined {
  const proto = Object.getPrototypeOf(instance) as { constructor?: { name?: unknown } } | null;
  const ctor =
    proto !== null && Object.hasOwn(proto, 'constructor') ? proto.constructor : undefined;
  const name = ctor?.name;
  if (typeof name !== 'string' || name === '' || name === 'Object') {
    throw new RegistrationError(
      'register() needs { name } for an object that is not a class instance (or whose class is anonymous)',
    );
  }
  return name;
}

function invalidParams(errors: AjvErrorObject[] | null | undefined): ErrorObject {
  const list = (errors ?? []).map((e) => ({
    path: e.instancePath === '' ? '/' : e.instancePath,
    message: e.message ?? 'is invalid',
    ...(e.keyword === 'required' || e.keyword === 'additionalProperties'
      ? { params: e.params }
      : {}),
  }));
  return { code: -32602, message: 'Invalid params', data: list };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
