// The OpenRPC 1.3 document of a method table: what `rpc.discover` answers. Built from `list()`
// (schemas and metadata given at registration); nothing here runs per call.
import type { MethodInfo } from './registry.js';

/** The OpenRPC version of the documents made here. */
export const OPENRPC_VERSION = '1.3.2';

/** The document's `info`: what the API is. */
export interface OpenRpcInfo {
  title: string;
  version: string;
  description?: string;
}

/** An OpenRPC content descriptor: one param, or the result. */
export interface OpenRpcContentDescriptor {
  name: string;
  schema: Record<string, unknown>;
  required?: boolean;
  description?: string;
}

/** An OpenRPC method object, as made here. */
export interface OpenRpcMethod {
  name: string;
  summary?: string;
  description?: string;
  paramStructure?: 'by-name' | 'by-position';
  params: OpenRpcContentDescriptor[];
  result: OpenRpcContentDescriptor;
  errors?: { code: number; message: string; data?: unknown }[];
  examples?: {
    name: string;
    description?: string;
    params: { name: string; value: unknown }[];
    result?: { name: string; value: unknown };
  }[];
  deprecated?: boolean;
  /**
   * The whole params schema, when it cannot be told as one descriptor per param (an array of any
   * length, a union, a schema with `$ref`s): the params descriptors are then empty.
   */
  'x-params-schema'?: Record<string, unknown>;
}

/** An OpenRPC 1.3 document. */
export interface OpenRpcDocument {
  openrpc: string;
  info: OpenRpcInfo;
  methods: OpenRpcMethod[];
}

type Schema = Record<string, unknown>;

/** Schema keywords that may sit beside `properties` (or the tuple's items) and are then told. */
const OBJECT_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'title',
  'description',
]);
const TUPLE_KEYWORDS = new Set([
  'type',
  'items',
  'minItems',
  'maxItems',
  'additionalItems',
  'title',
  'description',
]);

function onlyKeywords(schema: Schema, allowed: ReadonlySet<string>): boolean {
  return Object.keys(schema).every((key) => allowed.has(key));
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasRef(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasRef);
  if (!isSchema(value)) return false;
  return Object.entries(value).some(([key, v]) => key === '$ref' || hasRef(v));
}

function descriptor(name: string, schema: unknown, required: boolean): OpenRpcContentDescriptor {
  const s = isSchema(schema) ? schema : {};
  const d: OpenRpcContentDescriptor = { name, schema: s, required };
  if (typeof s['description'] === 'string') d.description = s['description'];
  return d;
}

/**
 * The params as OpenRPC content descriptors: an object schema with `properties` is by name, one
 * descriptor per property; a tuple (draft-07 `items: [...]`) is by position, named by each
 * item's `title` (else `param1`, `param2`…). Anything else, or anything with a `$ref` (it would
 * point into the document once split), is kept whole in `x-params-schema` with no descriptors.
 */
function describeParams(
  schema: Schema | null,
): Pick<OpenRpcMethod, 'params' | 'paramStructure' | 'x-params-schema'> {
  if (schema === null) return { params: [] };
  if (!hasRef(schema)) {
    const properties = schema['properties'];
    if (
      // Stryker disable next-line ConditionalExpression: ajv's strictTypes refuses properties without type 'object', so no registered schema reaches here without it
      schema['type'] === 'object' &&
      isSchema(properties) &&
      onlyKeywords(schema, OBJECT_KEYWORDS)
    ) {
      // Stryker disable next-line ArrayDeclaration: a fallback with a made-up name marks only a property of that name required
      const required = Array.isArray(schema['required']) ? schema['required'] : [];
      return {
        paramStructure: 'by-name',
        params: Object.entries(properties).map(([name, s]) =>
          descriptor(name, s, required.includes(name)),
        ),
      };
    }
    const items = schema['items'];
    if (
      // Stryker disable next-line ConditionalExpression: as above: items needs type 'array'
      schema['type'] === 'array' &&
      Array.isArray(items) &&
      onlyKeywords(schema, TUPLE_KEYWORDS)
    ) {
      // ajv's strict mode makes a tuple's minItems its length: every item is required.
      return {
        paramStructure: 'by-position',
        params: items.map((s: unknown, i) => {
          const title = isSchema(s) && typeof s['title'] === 'string' ? s['title'] : '';
          return descriptor(title === '' ? `param${i + 1}` : title, s, true);
        }),
      };
    }
  }
  return { params: [], 'x-params-schema': schema };
}

function describeMethod(m: MethodInfo): OpenRpcMethod {
  const params = describeParams(m.params);
  const names = params.params.map((p) => p.name);
  return {
    name: m.name,
    ...(m.summary !== null && { summary: m.summary }),
    ...(m.description !== null && { description: m.description }),
    ...params,
    result: { name: 'result', schema: m.result ?? {} },
    ...(m.errors.length > 0 && { errors: m.errors.map((e) => ({ ...e })) }),
    ...(m.examples.length > 0 && {
      examples: m.examples.map((example) => ({
        name: example.name,
        ...(example.description !== undefined && { description: example.description }),
        params: Array.isArray(example.params)
          ? example.params.map((value, i) => ({ name: names[i] ?? `param${i + 1}`, value }))
          : Object.entries(example.params).map(([name, value]) => ({ name, value })),
        ...(Object.hasOwn(example, 'result') && {
          result: { name: 'result', value: example.result },
        }),
      })),
    }),
    ...(m.deprecated && { deprecated: true }),
  };
}

/**
 * The OpenRPC 1.3 document describing `methods` (from `registry.list()`): each method's params
 * as content descriptors, its result schema (`{}`, anything, when none was given), summary,
 * description, examples, declared errors and deprecation.
 */
export function openRpcDocument(
  methods: readonly MethodInfo[],
  info: OpenRpcInfo,
): OpenRpcDocument {
  return {
    openrpc: OPENRPC_VERSION,
    info: { ...info },
    methods: methods.map(describeMethod),
  };
}
