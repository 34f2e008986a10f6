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

export class ArithService {
  Add({ a, b }: ArithArgs): ArithResult {
    return { result: a + b };
  }

  Multiply({ a, b }: ArithArgs): ArithResult {
    return { result: a * b };
  }

  Divide({ a, b }: ArithArgs): ArithResult {
    if (b === 0) {
      // Go rerpc answers {"code":-32603,"message":"Internal error","data":"division by zero"}.
      // Same code and data here, and the message says what went wrong too, so a caller that only
      // shows `message` still sees "division by zero".
      throw new RpcError(-32603, 'Internal error: division by zero', 'division by zero');
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
export function registerArith(server: Server): string[] {
  return server.register(new ArithService(), {
    name: 'ArithService',
    methods: {
      Add: { params: arithArgsSchema, result: integerResult },
      Multiply: { params: arithArgsSchema, result: integerResult },
      Divide: { params: arithArgsSchema },
    },
  });
}
