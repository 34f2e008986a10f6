import { RpcError } from '@rerpc/protocol';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * What one response to a single call says: null when it carries a `result`, else the error to
 * reject with: the server's (`error` member), or -32603 for a response with neither member.
 */
export function responseError(message: Record<string, unknown>): RpcError | null {
  const error = message['error'];
  if (error !== undefined && error !== null) return RpcError.fromObject(error);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: the `result` read only spares hasOwn; (true, ||, '') differ only for an own undefined `result`, which decoded JSON never has
  if (message['result'] === undefined && !hasOwn.call(message, 'result')) {
    return new RpcError(-32603, 'Invalid response: it has neither "result" nor "error"', message);
  }
  return null;
}
