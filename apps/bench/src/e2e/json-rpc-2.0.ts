// json-rpc-2.0 1.8: its server with the bench's methods, answering one message's text, and its
// batch call (`requestAdvanced` with an array) as the bench's outcomes.
import { type JSONRPCClient, type JSONRPCParams, JSONRPCServer } from 'json-rpc-2.0';
import type { Outcome } from './load.js';
import { type AddParams, add } from './methods.js';

/** One message or batch through `receiveJSON`, its answer's text (null when none). */
export function answerWith(): (text: string) => PromiseLike<string | null> {
  const rpc = new JSONRPCServer();
  rpc.addMethod('ArithService.Add', (params) => add(params as unknown as AddParams));
  rpc.addMethod('echo', (params) => params);
  return (text) =>
    rpc.receiveJSON(text).then((response) => (response === null ? null : JSON.stringify(response)));
}

/**
 * One batch of calls to `method` with ids `first`, `first + 1`, …; their outcomes in the order
 * of `params` (the answers may come in any order). The ids are the caller's: they must not meet
 * the ids `client.request()` generates, so batch ids are negative.
 */
export async function batchOf(
  client: JSONRPCClient,
  method: string,
  params: unknown[],
  first: number,
): Promise<Outcome[]> {
  const requests = params.map((p, k) => ({
    jsonrpc: '2.0' as const,
    method,
    params: p as JSONRPCParams,
    id: -(first + k),
  }));
  const responses = await client.requestAdvanced(requests);
  const byId = new Map(responses.map((r) => [r.id, r]));
  return requests.map((request): Outcome => {
    const response = byId.get(request.id);
    if (response === undefined) return { ok: false, error: 'no answer in the batch' };
    if ('error' in response && response.error) return { ok: false, error: response.error.message };
    return { ok: true, value: (response as { result?: unknown }).result };
  });
}
