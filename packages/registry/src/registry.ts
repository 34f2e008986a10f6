import { compileResponseEncoder, type ResponseEncoder } from '@rerpc/codec';
import { describe, optionError, rejectUnknownOptions } from '@rerpc/internal';
import type { ErrorObject } from '@rerpc/protocol';
import { Ajv, type ErrorObject as AjvErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { RegistrationError } from './errors.js';
import {
  type MethodError,
  type MethodExample,
  type MethodMetadata,
  resolveMetadata,
} from './metadata.js';
import { isPublicMemberName, methodNameProblem, serviceNameProblem } from './names.js';
import {
  checkMethodOptions,
  isObject,
  REGISTER_OPTIONS,
  type RegistryOptions,
  resolveRegistryOptions,
} from './options.js';

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
  /** A short summary of what the method does, for discovery (`rpc.discover`). @default none */
  summary?: string;
  /** A longer description (Markdown), for discovery. @default none */
  description?: string;
  /** Marks the method deprecated in discovery; it is still called as before. @default false */
  deprecated?: boolean;
  /**
   * Example calls, for discovery; each example's params are checked against the params schema
   * at registration (a mismatch is a `RegistrationError`). @default []
   */
  examples?: MethodExample[];
  /** The application errors the method may answer, for discovery. @default [] */
  errors?: MethodError[];
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
  readonly paramsSchema: JsonSchema | null;
  readonly resultSchema: JsonSchema | null;
  /** What the method says about itself for discovery. */
  readonly metadata: MethodMetadata;
}

/** A registered method as listed for discovery. */
export interface MethodInfo extends MethodMetadata {
  name: string;
  params: JsonSchema | null;
  result: JsonSchema | null;
}

export interface Registry {
  /**
   * Registers a class instance's methods as `Name.method`; returns the names registered. Throws
   * `RegistrationError` for a refused service name (see {@link Registry.method}), a duplicate or
   * an invalid schema, and a `TypeError` (`RERPC_ERR_INVALID_OPTION`) for an unknown option.
   */
  register(instance: object, options?: RegisterOptions): string[];
  /**
   * Registers one function under a full method name. Throws `RegistrationError` for a name that
   * is empty, has whitespace or control characters, has a dot-separated part that is empty,
   * starts with `_` or is an `Object.prototype` member name (`__proto__`, `constructor`,
   * `toString`…), or starts with the reserved `rpc.`.
   */
  method<Ctx = unknown>(name: string, handler: Handler<Ctx>, options?: MethodOptions): void;
  /**
   * For rerpc's own methods only (such as a future `rpc.discover`): registers a method whose name
   * starts with the `rpc.` prefix JSON-RPC 2.0 reserves for the implementation; otherwise as
   * {@link Registry.method}. Applications use `method()`.
   */
  system<Ctx = unknown>(name: string, handler: Handler<Ctx>, options?: MethodOptions): void;
  /** One `Map.get`; `undefined` when no such method. */
  get(name: string): MethodEntry | undefined;
  has(name: string): boolean;
  /** Every registered method, in registration order. */
  list(): MethodInfo[];
  readonly size: number;
  /**
   * Counts registrations: it changes whenever a method is added, so a cache of `list()` (such
   * as the server's `rpc.discover` document) knows when to rebuild.
   */
  readonly version: number;
}

// ajv-formats is CommonJS with `exports.default`: TypeScript (NodeNext) types the default import
// as the module object, so take `.default`, which is the plugin under Node's ESM (where the module
// object is the plugin itself, carrying `.default`) and in the CommonJS build alike.
const addFormats = ajvFormats.default;

/**
 * Creates an empty method table. Params schemas may use the string formats of ajv-formats
 * (`email`, `date-time`, `uuid`, `uri`…) and any `formats` given here. Throws a `TypeError`
 * (`RERPC_ERR_INVALID_OPTION`) on an invalid or unknown option.
 */
export function createRegistry(options?: RegistryOptions): Registry {
  const formats = resolveRegistryOptions(options);
  const methods = new Map<string, MethodEntry>();
  let version = 0;
  // One ajv for the registry: compiled validators share its cache. allErrors lists every
  // problem in the -32602 answer, not just the first.
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  for (const [name, format] of formats) ajv.addFormat(name, format);
  const defaultEncoder = compileResponseEncoder();

  function add(
    name: string,
    handler: (params: unknown, ctx: unknown) => unknown,
    options: MethodOptions | undefined,
  ): void {
    if (methods.has(name)) {
      throw new RegistrationError(`method "${name}" is already registered; pick another name`);
    }
    checkMethodOptions(options, `method "${name}" options`);
    const metadata = resolveMetadata(options, `method "${name}" options`);
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
      for (const example of metadata.examples) {
        if (!fn(example.params)) {
          throw new RegistrationError(
            `method "${name}": example ${JSON.stringify(example.name)} has params the params schema refuses: ${ajv.errorsText(fn.errors)}`,
          );
        }
      }
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
      paramsSchema,
      resultSchema,
      metadata,
    });
    version++;
  }

  /** Checks a full method name, then adds it. */
  function addNamed(name: unknown, handler: unknown, options: unknown, system: boolean): void {
    if (typeof name !== 'string') {
      throw new RegistrationError(`method name must be a string, got ${describe(name)}`);
    }
    const problem = methodNameProblem(name, system);
    if (problem !== null) {
      throw new RegistrationError(`method name ${describe(name)} is refused: ${problem}`);
    }
    if (typeof handler !== 'function') {
      throw new RegistrationError(
        `method "${name}": handler must be a function, got ${describe(handler)}`,
      );
    }
    add(name, handler as MethodEntry['handler'], options as MethodOptions | undefined);
  }

  return {
    register(instance, options) {
      if (typeof instance !== 'object' || instance === null) {
        throw new RegistrationError(
          `register() takes an object (a class instance), got ${describe(instance)}`,
        );
      }
      if (options !== undefined && !isObject(options)) {
        throw optionError(`register() options must be an object, got ${describe(options)}`);
      }
      const o: RegisterOptions = options ?? {};
      rejectUnknownOptions(o, REGISTER_OPTIONS, 'register() options');
      const service = o.name ?? className(instance);
      if (typeof service !== 'string') {
        throw new RegistrationError(`service name must be a string, got ${describe(service)}`);
      }
      const problem = serviceNameProblem(service);
      if (problem !== null) {
        throw new RegistrationError(`service name ${describe(service)} is refused: ${problem}`);
      }
      const perMethod: unknown = o.methods ?? {};
      if (!isObject(perMethod)) {
        throw optionError(
          `register() options.methods must be an object of method name to options, got ${describe(perMethod)}`,
        );
      }
      const found = collectMethods(instance);
      for (const key of Object.keys(perMethod)) {
        if (!found.has(key)) {
          throw new RegistrationError(
            `${service}.${key}: options name a member that is not a public method of the instance (` +
              'methods are own or inherited functions, not getters, not names starting with "_" or named like an Object.prototype member such as "constructor")',
          );
        }
        checkMethodOptions(perMethod[key], `register() options.methods.${key}`);
      }
      // Check every name before adding any, so a failed register() leaves nothing behind.
      // Stryker disable BlockStatement,ConditionalExpression,StringLiteral: an early check; add() refuses the same duplicate with the same message, and the catch below removes what was added
      for (const key of found.keys()) {
        const full = `${service}.${key}`;
        if (methods.has(full)) {
          throw new RegistrationError(`method "${full}" is already registered; pick another name`);
        }
      }
      // Stryker restore BlockStatement,ConditionalExpression,StringLiteral
      const names: string[] = [];
      // Stryker disable next-line ArrayDeclaration: deleting a name that was never added is a no-op
      const added: string[] = [];
      try {
        for (const [key, fn] of found) {
          const full = `${service}.${key}`;
          add(
            full,
            fn.bind(instance) as MethodEntry['handler'],
            perMethod[key] as MethodOptions | undefined,
          );
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
      addNamed(name, handler, options, false);
    },

    system(name, handler, options) {
      addNamed(name, handler, options, true);
    },

    get: (name) => methods.get(name),
    has: (name) => methods.has(name),
    list: () =>
      [...methods.values()].map((m) => ({
        name: m.name,
        params: m.paramsSchema,
        result: m.resultSchema,
        ...m.metadata,
      })),
    get size() {
      return methods.size;
    },
    get version() {
      return version;
    },
  };
}

/**
 * The instance's callable methods: its own function-valued properties, then its class chain up
 * to (never including) Object.prototype. The nearest definition wins, as in a normal call. A
 * member whose name is not public (`_private`, `constructor`, `toString`, one with a dot or a
 * space) is skipped, and hides a same-named member further up the chain.
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
      if (!isPublicMemberName(key)) continue;
      const desc = Object.getOwnPropertyDescriptor(obj, key);
      // Accessors are skipped: reading a getter could run code, and it is not a method.
      // Stryker disable next-line ConditionalExpression,LogicalOperator: an own name always has a descriptor and an accessor's has no value, so the typeof alone decides; the rest narrows for TypeScript
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
  // Stryker disable next-line ArrayDeclaration: ajv sets errors whenever a validation fails
  const list = (errors ?? []).map((e) => ({
    path: e.instancePath === '' ? '/' : e.instancePath,
    // Stryker disable next-line StringLiteral: ajv (messages on, its default) always sets message
    message: e.message ?? 'is invalid',
    ...(e.keyword === 'required' || e.keyword === 'additionalProperties'
      ? { params: e.params }
      : {}),
  }));
  return { code: -32602, message: 'Invalid params', data: list };
}
