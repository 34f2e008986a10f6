// The raw contenders' JSON-RPC over HTTP and WebSocket, both ends: the server's answer to one
// body or message (JSON.parse, a method lookup, JSON.stringify; batches too), and the client's
// requests matched to answers by id in a Map. The TCP raw contender keeps its own NDJSON code
// (servers/raw.ts, clients/raw.ts) so that its figures stay comparable with earlier runs.
import type { Outcome } from './load.js';
import { add, echo } from './methods.js';

interface Request {
  method: string;
  params?: unknown;
  id?: string | number | null;
}

interface Response {
  result?: unknown;
  error?: { code: number; message: string };
  id: number;
}

const methods: Record<string, (params: never) => unknown> = { 'ArithService.Add': add, echo };

const PARSE_ERROR = '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}';

function answerOne(request: Request): object | null {
  if (request.id === undefined) return null;
  const fn = methods[request.method];
  return fn === undefined
    ? { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: request.id }
    : { jsonrpc: '2.0', result: fn(request.params as never), id: request.id };
}

/** The answer to one JSON-RPC message or batch, or null when nothing is answered (notifications). */
export function answerText(text: string): string | null {
  let message: Request | Request[];
  try {
    message = JSON.parse(text) as Request | Request[];
  } catch {
    return PARSE_ERROR;
  }
  if (!Array.isArray(message)) {
    const response = answerOne(message);
    return response === null ? null : JSON.stringify(response);
  }
  const responses: object[] = [];
  for (const request of message) {
    const response = answerOne(request);
    if (response !== null) responses.push(response);
  }
  return responses.length === 0 ? null : JSON.stringify(responses);
}

interface Waiter {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/**
 * A client's calls in flight on one connection: each request gets an id and a waiter; an answer
 * (single or batch) settles the waiters its ids name.
 */
export class Pending {
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;

  /** The request's text and the promise of its result. */
  call(method: string, params: unknown): { text: string; result: Promise<unknown> } {
    const id = this.nextId++;
    const result = new Promise<unknown>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
    });
    return { text: JSON.stringify({ jsonrpc: '2.0', method, params, id }), result };
  }

  /** One batch's text and the promise of its outcomes, in the order of `params`. */
  batch(method: string, params: unknown[]): { text: string; outcomes: Promise<Outcome[]> } {
    const first = this.nextId;
    this.nextId += params.length;
    const requests = params.map((p, k) => ({ jsonrpc: '2.0', method, params: p, id: first + k }));
    const outcomes = new Promise<Outcome[]>((resolve) => {
      const out: Outcome[] = new Array(params.length);
      let left = params.length;
      const done = () => {
        if (--left === 0) resolve(out);
      };
      for (let k = 0; k < params.length; k++) {
        this.waiting.set(first + k, {
          resolve(value) {
            out[k] = { ok: true, value };
            done();
          },
          reject(err) {
            out[k] = { ok: false, error: err.message };
            done();
          },
        });
      }
    });
    return { text: JSON.stringify(requests), outcomes };
  }

  /** Settles the calls an answer (one response or a batch's array) names. */
  receive(text: string): void {
    const message = JSON.parse(text) as Response | Response[];
    if (Array.isArray(message)) for (const response of message) this.settle(response);
    else this.settle(message);
  }

  /** Fails every call still waiting (the connection went). */
  failAll(err: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }

  private settle(response: Response): void {
    const waiter = this.waiting.get(response.id);
    if (waiter === undefined) return;
    this.waiting.delete(response.id);
    if (response.error !== undefined) waiter.reject(new Error(response.error.message));
    else waiter.resolve(response.result);
  }
}
