/** A JSON-RPC 2.0 request id. `null` is allowed by the spec but discouraged for requests. */
export type Id = string | number | null;

/** Structured parameters: by position or by name. */
export type Params = readonly unknown[] | { readonly [key: string]: unknown };

/** A call that expects an answer. */
export interface Request<P = Params> {
  jsonrpc: '2.0';
  method: string;
  params?: P;
  id: Id;
}

/** A call without an `id`: never answered, not even with an error. */
export interface Notification<P = Params> {
  jsonrpc: '2.0';
  method: string;
  params?: P;
}

/** The `error` member of an error response. */
export interface ErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface SuccessResponse<R = unknown> {
  jsonrpc: '2.0';
  result: R;
  id: Id;
}

export interface ErrorResponse {
  jsonrpc: '2.0';
  error: ErrorObject;
  id: Id;
}

export type Response<R = unknown> = SuccessResponse<R> | ErrorResponse;

/** Anything one side may send: a single message or a batch of them. */
export type Message = Request | Notification | Response;
export type BatchRequest = Array<Request | Notification>;
export type BatchResponse = Response[];
