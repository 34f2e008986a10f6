/** The spec's reserved error codes (JSON-RPC 2.0 §5.1). */
export const ErrorCode = Object.freeze({
  /** Invalid JSON was received. */
  ParseError: -32700,
  /** The JSON sent is not a valid Request object. */
  InvalidRequest: -32600,
  /** The method does not exist or is not available. */
  MethodNotFound: -32601,
  /** Invalid method parameter(s). */
  InvalidParams: -32602,
  /** Internal JSON-RPC error. */
  InternalError: -32603,
  /** Lowest code of the implementation-defined server error range. */
  ServerErrorStart: -32099,
  /** Highest code of the implementation-defined server error range. */
  ServerErrorEnd: -32000,
} as const);

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const STANDARD_MESSAGES: ReadonlyMap<number, string> = new Map([
  [ErrorCode.ParseError, 'Parse error'],
  [ErrorCode.InvalidRequest, 'Invalid Request'],
  [ErrorCode.MethodNotFound, 'Method not found'],
  [ErrorCode.InvalidParams, 'Invalid params'],
  [ErrorCode.InternalError, 'Internal error'],
]);

/** The spec's message for a code: the five standard ones, "Server error" in -32099..-32000. */
export function standardMessage(code: number): string | undefined {
  const known = STANDARD_MESSAGES.get(code);
  if (known !== undefined) return known;
  if (isServerErrorCode(code)) return 'Server error';
  return undefined;
}

/** True for the implementation-defined server error range -32099..-32000. */
export function isServerErrorCode(code: number): boolean {
  return (
    Number.isInteger(code) && code >= ErrorCode.ServerErrorStart && code <= ErrorCode.ServerErrorEnd
  );
}

/** True for any code in the spec's reserved range -32768..-32000. */
export function isReservedCode(code: number): boolean {
  return Number.isInteger(code) && code >= -32768 && code <= -32000;
}
