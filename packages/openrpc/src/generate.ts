// OpenRPC document → TypeScript: one interface per service (the methods named `Service.method`),
// the shape `client.service<T>(name)` takes, plus `Methods` for names with no service part.
// JSON Schema → TypeScript is json-schema-to-typescript's; this file only decides the shapes.
import { describe, optionError, rejectUnknownOptions } from '@rerpc/internal';
import { compile } from 'json-schema-to-typescript';
import { OpenRpcDocumentError } from './errors.js';

/** Options of {@link generateTypes}. */
export interface GenerateOptions {
  /**
   * Where the document came from (a URL or a file), named in the header comment.
   * @default none (the header names no source)
   */
  source?: string;
  /**
   * The interface for methods whose name has no service part (`subtract`, `ticks_subscribe`),
   * called with `client.call(name, params)`.
   * @default 'Methods'
   */
  rootInterface?: string;
}

/** The defaults of {@link GenerateOptions}. */
export const DEFAULTS = Object.freeze({ source: null as string | null, rootInterface: 'Methods' });

type Schema = Record<string, unknown>;

interface Descriptor {
  name: string;
  schema: Schema;
  required?: boolean;
  description?: string;
}

interface MethodObject {
  name: string;
  summary?: string;
  description?: string;
  deprecated?: boolean;
  paramStructure?: string;
  params: Descriptor[];
  result?: Descriptor;
  'x-params-schema'?: Schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The methods of an OpenRPC document, checked as far as generating needs. */
function methodsOf(document: unknown): MethodObject[] {
  if (!isObject(document) || typeof document['openrpc'] !== 'string') {
    throw new OpenRpcDocumentError(
      `not an OpenRPC document (no "openrpc" version string), got ${describe(document)}`,
    );
  }
  const methods = document['methods'];
  if (!Array.isArray(methods)) {
    throw new OpenRpcDocumentError('the document has no "methods" array');
  }
  const names = new Set<string>();
  methods.forEach((m: unknown, i) => {
    if (!isObject(m) || typeof m['name'] !== 'string' || m['name'] === '') {
      throw new OpenRpcDocumentError(`methods[${i}] has no name`);
    }
    if (names.has(m['name'])) {
      throw new OpenRpcDocumentError(`method ${describe(m['name'])} is listed twice`);
    }
    names.add(m['name']);
    const params = m['params'];
    if (
      !Array.isArray(params) ||
      !params.every((p) => isObject(p) && typeof p['name'] === 'string')
    ) {
      throw new OpenRpcDocumentError(
        `method ${describe(m['name'])}: params must be an array of content descriptors (a $ref is not supported: dereference the document first)`,
      );
    }
  });
  return methods as MethodObject[];
}

/** A schema that says nothing (`{}`, `true`, or only words): any value. */
function isAnything(schema: unknown): boolean {
  if (schema === true || schema === undefined) return true;
  return (
    isObject(schema) &&
    Object.keys(schema).every((k) => k === 'description' || k === 'title' || k.startsWith('x-'))
  );
}

/** The params as one JSON Schema, or null when they are unchecked (anything, or nothing). */
function paramsSchema(method: MethodObject): Schema | null {
  const whole = method['x-params-schema'];
  if (isObject(whole)) return isAnything(whole) ? null : whole;
  const params = method.params;
  if (params.length === 0 && method.paramStructure === undefined) return null;
  if (method.paramStructure === 'by-position') {
    let required = 0;
    while (params[required]?.required === true) required++;
    return {
      type: 'array',
      items: params.map((p) => withDescription(p)),
      minItems: required,
      additionalItems: false,
    };
  }
  // by-name, or 'either' (a document from elsewhere): the object form.
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, withDescription(p)])),
    required: params.filter((p) => p.required === true).map((p) => p.name),
    additionalProperties: false,
  };
}

function withDescription(p: Descriptor): Schema {
  const schema = isObject(p.schema) ? p.schema : {};
  return p.description !== undefined && schema['description'] === undefined
    ? { ...schema, description: p.description }
    : schema;
}

/** `ticks_subscribe` → `TicksSubscribe`; a valid identifier part. */
function pascal(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const joined = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function memberName(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

function docComment(lines: (string | undefined)[], indent: string): string {
  const text = lines.filter((l): l is string => l !== undefined && l !== '');
  if (text.length === 0) return '';
  const body = text
    .join('\n\n')
    .replace(/\*\//g, '*\\/')
    .split('\n')
    .map((l) => `${indent} *${l === '' ? '' : ` ${l}`}`);
  return `${indent}/**\n${body.join('\n')}\n${indent} */\n`;
}

/**
 * `schema` with its top-level `$defs`/`definitions` renamed `<name><Key>` and its local `$ref`s
 * to them rewritten: the converter names a referenced type after its key, so two methods'
 * `point` definitions would both become `Point`.
 */
function prefixDefinitions(schema: Schema, name: string): Schema {
  const renamed = new Map<string, string>();
  const out: Schema = { ...schema };
  for (const keyword of ['$defs', 'definitions']) {
    const defs = schema[keyword];
    if (!isObject(defs)) continue;
    out[keyword] = Object.fromEntries(
      Object.entries(defs).map(([key, value]) => {
        const fresh = `${name}${pascal(key)}`;
        renamed.set(`#/${keyword}/${key}`, `#/${keyword}/${fresh}`);
        return [fresh, value];
      }),
    );
  }
  if (renamed.size === 0) return out;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => {
        if (key !== '$ref' || typeof v !== 'string') return [key, rewrite(v)];
        const cut = v.indexOf('/', v.indexOf('/', 2) + 1);
        const head = cut === -1 ? v : v.slice(0, cut);
        const fresh = renamed.get(head);
        return [key, fresh === undefined ? v : fresh + (cut === -1 ? '' : v.slice(cut))];
      }),
    );
  };
  return rewrite(out) as Schema;
}

/** Declares `name` as the TypeScript type of `schema`. */
async function declare(name: string, schema: unknown): Promise<string> {
  const root = { ...prefixDefinitions(schema as Schema, name), title: name };
  return compile(root, name, {
    bannerComment: '',
    // Params sent to a schema without additionalProperties may carry more members, but a type
    // listing the declared ones is what a caller wants to see.
    additionalProperties: false,
    // Local $refs only: never read a file or the network while generating.
    $refOptions: { resolve: { file: false, http: false } },
    // Nested titled schemas and $defs get names prefixed by their method's, so two methods'
    // `Point`s never collide.
    customName: (s, key) => {
      const base = typeof s['title'] === 'string' ? s['title'] : key;
      if (base === undefined) return undefined;
      return base === name ? name : `${name}${pascal(base)}`;
    },
  });
}

function checkIdentifier(value: unknown, what: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw optionError(`${what} must be a TypeScript identifier, got ${describe(value)}`);
  }
  return value;
}

/**
 * The TypeScript declarations for an OpenRPC document (as `rpc.discover` answers): for each
 * service (the part of a method name before its last `.`) an interface whose members are its
 * methods, `m(params): Result`, as `client.service<T>(name)` takes; methods whose name has no
 * service part go to `Methods`. Params and results are named types (`<Service><Method>Params`,
 * `…Result`). Rejects with `OpenRpcDocumentError` for a document it cannot read, and with a
 * `TypeError` (`RERPC_ERR_INVALID_OPTION`) for a bad option.
 */
export async function generateTypes(document: unknown, options?: GenerateOptions): Promise<string> {
  const o: GenerateOptions | undefined = options;
  if (o !== undefined) {
    if (!isObject(o)) {
      throw optionError(`generateTypes() options must be an object, got ${describe(options)}`);
    }
    rejectUnknownOptions(o, Object.keys(DEFAULTS), 'generateTypes() options');
  }
  const source = options?.source ?? DEFAULTS.source;
  if (source !== null && typeof source !== 'string') {
    throw optionError(`source must be a string, got ${describe(source)}`);
  }
  const rootInterface = checkIdentifier(
    options?.rootInterface ?? DEFAULTS.rootInterface,
    'rootInterface',
  );
  const methods = methodsOf(document);
  const services = new Map<string, string[]>();
  const declarations: string[] = [];
  const used = new Set<string>([rootInterface]);
  const unique = (name: string): string => {
    let candidate = name;
    for (let i = 2; used.has(candidate); i++) candidate = `${name}${i}`;
    used.add(candidate);
    return candidate;
  };
  const interfaceNames = new Map<string, string>();
  for (const method of methods) {
    const dot = method.name.lastIndexOf('.');
    const service = dot > 0 ? method.name.slice(0, dot) : null;
    const member = dot > 0 ? method.name.slice(dot + 1) : method.name;
    if (service !== null && !interfaceNames.has(service)) {
      interfaceNames.set(service, unique(pascal(service) || 'Service'));
    }
    const base = pascal(method.name) || 'Method';
    const params = paramsSchema(method);
    let paramsText = 'params?: unknown';
    if (params !== null) {
      const name = unique(`${base}Params`);
      declarations.push(await declare(name, params));
      paramsText = `params: ${name}`;
    }
    let resultName = 'unknown';
    if (!isAnything(method.result?.schema)) {
      resultName = unique(`${base}Result`);
      declarations.push(await declare(resultName, method.result?.schema));
    }
    const doc = docComment(
      [
        method.summary,
        method.description,
        method.deprecated === true ? '@deprecated' : undefined,
        `Calls \`${method.name}\`.`,
      ],
      '  ',
    );
    const line = `${doc}  ${memberName(member)}(${paramsText}): ${resultName};`;
    const key = service ?? '';
    const members = services.get(key) ?? [];
    members.push(line);
    services.set(key, members);
  }
  const out: string[] = [
    `// Generated by rerpc-types${source === null ? '' : ` from ${source}`}. Do not edit: run rerpc-types again.\n`,
  ];
  for (const [service, members] of services) {
    if (service === '') continue;
    out.push(
      `/** The \`${service}\` service: \`client.service<${interfaceNames.get(service)}>('${service}')\`. */\nexport interface ${interfaceNames.get(service)} {\n${members.join('\n')}\n}\n`,
    );
  }
  const root = services.get('');
  if (root !== undefined) {
    out.push(
      `/** Methods with no service part: call them with \`client.call(name, params)\`. */\nexport interface ${rootInterface} {\n${root.join('\n')}\n}\n`,
    );
  }
  out.push(...declarations);
  return out.join('\n');
}
