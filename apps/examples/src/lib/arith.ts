// The Go rerpc example service, in TypeScript: a Go rerpc client calling `ArithService.Add` with
// `{"a":10,"b":20}` gets `{"result":30}`, byte for byte what the Go server sends.
import { RpcError, type Server } from '@rerpc/server';

export interface ArithArgs {
  a: number;
  b: number;
}

export interface ArithResult {
  result: number;
}

/**
 * The application's own error code for division by zero. Application errors use codes outside
 * the spec's reserved range -32768..-32000 (here a positive one): -32603 means "the server
 * failed", and -32000..-32099 are the server implementation's (rerpc: -32001 handler timeout,
 * -32002 shutting down), so a caller could not tell a domain error from those.
 */
export const DIVISION_BY_ZERO = 1001;

export interface ArithServiceOptions {
  /**
   * Answer division by zero as Go rerpc does, `{"code":-32603,"message":"Internal error",
   * "data":"division by zero"}`, for wire compatibility (the spec server); otherwise
   * {@link DIVISION_BY_ZERO}.
   * @default false
   */
  goErrors?: boolean;
}

export class ArithService {
  readonly #goErrors: boolean;

  constructor(options: ArithServiceOptions = {}) {
    this.#goErrors = options.goErrors === true;
  }

  Add({ a, b }: ArithArgs): ArithResult {
    return { result: a + b };
  }

  Multiply({ a, b }: ArithArgs): ArithResult {
    return { result: a * b };
  }

  Divide({ a, b }: ArithArgs): ArithResult {
    if (b === 0) {
      if (this.#goErrors) {
        // Go rerpc's code and data; the message says what went wrong too, so a caller that only
        // shows `message` still sees "division by zero".
        throw new RpcError(-32603, 'Internal error: division by zero', 'division by zero');
      }
      throw new RpcError(DIVISION_BY_ZERO, 'division by zero', { dividend: a, divisor: b });
    }
    return { result: a / b };
  }

  /** Not callable: names starting with `_` are never registered. */
  _secret(): string {
    return 'the server never exposes this';
  }
}

/** Params of every ArithService method: integers `a` and `b`, both required. */
export const arithArgsSchema = {
  type: 'object',
  properties: { a: { type: 'integer' }, b: { type: 'integer' } },
  required: ['a', 'b'],
} as const;

const integerResult = {
  type: 'object',
  properties: { result: { type: 'integer' } },
  required: ['result'],
} as const;

/** Registers `ArithService.Add`, `.Multiply` and `.Divide` with their schemas. */
export function registerArith(server: Server, options: ArithServiceOptions = {}): string[] {
  return server.register(new ArithService(options), {
    name: 'ArithService',
    methods: {
      Add: {
        params: arithArgsSchema,
        result: integerResult,
        summary: 'a + b',
        examples: [{ name: 'ten and twenty', params: { a: 10, b: 20 }, result: { result: 30 } }],
      },
      Multiply: { params: arithArgsSchema, result: integerResult, summary: 'a * b' },
      Divide: {
        params: arithArgsSchema,
        summary: 'a / b',
        errors: [
          options.goErrors === true
            ? {
                code: -32603,
                message: 'Internal error: division by zero',
                data: 'division by zero',
              }
            : { code: DIVISION_BY_ZERO, message: 'division by zero' },
        ],
      },
    },
  });
}
