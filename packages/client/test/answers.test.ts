// What one answer to a single call means (response.ts): its result, the server's error, or
// RpcError -32603 when it has neither; against a raw NDJSON server writing each answer shape.
import { describe, expect, it } from 'vitest';
import { RpcError } from '../src/index.js';
import { connect, lineServer, rejection } from './helpers.js';

/** A server answering each request line with `answer(method)`, the request's id put in. */
async function answering(answer: (method: string) => Record<string, unknown>) {
  const { port } = await lineServer((socket, message) => {
    const { method, id } = message as { method: string; id: number };
    socket.write(`${JSON.stringify({ ...answer(method), id })}\n`);
  });
  return connect(port);
}

describe('the answer to a single call', () => {
  it('resolves with its result, null too, and beside "error": null (as JSON-RPC 1.0 servers write)', async () => {
    const client = await answering((method) =>
      method === 'A.null' ? { jsonrpc: '2.0', result: null } : { result: 5, error: null },
    );
    await expect(client.call('A.null')).resolves.toBeNull();
    await expect(client.call('A.v1')).resolves.toBe(5);
  });

  it('rejects with the error it carries', async () => {
    const client = await answering(() => ({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
    }));
    const error = await rejection<RpcError>(client.call('A.b'));
    expect(error).toBeInstanceOf(RpcError);
    expect([error.code, error.message]).toEqual([-32601, 'Method not found']);
  });

  it('rejects an answer with neither result nor error with RpcError -32603 whose data is the answer', async () => {
    const client = await answering(() => ({ jsonrpc: '2.0', error: null }));
    const error = await rejection<RpcError>(client.call('A.b'));
    expect(error).toBeInstanceOf(RpcError);
    expect(error.code).toBe(-32603);
    expect(error.message).toBe('Invalid response: it has neither "result" nor "error"');
    expect(error.data).toEqual({ jsonrpc: '2.0', error: null, id: 1 });
    expect(client.stats()).toMatchObject({ dropped: 0 });
  });
});
