// jayson 5: its server with the bench's methods (for its TCP, HTTP and WebSocket servers alike),
// and calls and batches through its HTTP and WebSocket clients.
import jayson from 'jayson';
import type { Caller, Outcome } from './load.js';
import { type AddParams, add } from './methods.js';

type Callback = (err: null, result: unknown) => void;

export function methodsOf(): jayson.Server {
  return new jayson.Server({
    'ArithService.Add': (args: AddParams, callback: Callback) => callback(null, add(args)),
    echo: (args: unknown, callback: Callback) => callback(null, args),
  } as unknown as ConstructorParameters<typeof jayson.Server>[0]);
}

interface Response {
  id?: string | number | null;
  result?: unknown;
  error?: { code: number; message: string };
}

type Done = (err: Error | null, response?: Response | Response[]) => void;

/** A jayson client's `call` and `batch` (jayson's HTTP and WebSocket clients share its API). */
export function jaysonCalls(
  client: jayson.Client,
): Pick<Caller, 'call'> & Required<Pick<Caller, 'batch'>> {
  // request(method, params, done) sends a call, request(method, params) only builds one (with
  // a fresh id), request(requests, done) sends a batch.
  const request = client.request.bind(client) as unknown as (
    ...args: [unknown, unknown, Done?]
  ) => { id: string | number };
  return {
    call(method, params) {
      return new Promise((resolve, reject) => {
        const done: Done = (err, response) => {
          const one = response as Response | undefined;
          if (err) reject(err);
          else if (one === undefined) reject(new Error('no response'));
          else if (one.error !== undefined) reject(new Error(one.error.message));
          else resolve(one.result);
        };
        request(method, params, done);
      });
    },
    batch(method, params) {
      // request() without a callback only builds a request (with a fresh id).
      const requests = params.map((p) => request(method, p));
      return new Promise((resolve, reject) => {
        const done: Done = (err, response) => {
          if (err) {
            reject(err);
            return;
          }
          const byId = new Map(
            (Array.isArray(response) ? response : []).map((r) => [r.id, r] as const),
          );
          resolve(
            requests.map((r): Outcome => {
              const answer = byId.get(r.id);
              if (answer === undefined) return { ok: false, error: 'no answer in the batch' };
              if (answer.error !== undefined) return { ok: false, error: answer.error.message };
              return { ok: true, value: answer.result };
            }),
          );
        };
        request(requests, done);
      });
    },
  };
}
