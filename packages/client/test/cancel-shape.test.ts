// cancelMethod's object form { method, idParam?, answer? }: cancellation shaped other than LSP's
// `$/cancelRequest` { id }, e.g. the Model Context Protocol's `notifications/cancelled`
// { requestId }, whose receiver sends no answer for the cancelled call.
import { deferred } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import { type ClientOptions, RequestCancelledError } from '../src/index.js';
import { tcpPeer } from './fixtures/peer.js';
import { connect, rejection } from './helpers.js';

const MCP = { method: 'notifications/cancelled', idParam: 'requestId', answer: false };

async function pair(options: ClientOptions) {
  const peer = await tcpPeer();
  const client = connect(peer.port, options);
  await client.call('hello', [], { timeout: 10_000 });
  return { peer, client };
}

describe('cancelMethod { method, idParam, answer }', () => {
  it('names the id with idParam when a call is given up on', async () => {
    const { peer, client } = await pair({ cancelMethod: MCP });
    await rejection(client.call('slow', [], { timeout: 5 }));
    expect(await peer.next()).toMatchObject({ method: 'slow', id: 2 });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 2 },
    });
    expect(client.stats().cancelsSent).toBe(1);
  });

  it('aborts a handler the server cancels by that shape, and answers nothing with answer: false', async () => {
    const { peer, client } = await pair({ cancelMethod: MCP });
    const aborted = deferred<unknown>();
    client.method('work', (_params: unknown, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
      return new Promise(() => {});
    });
    peer.send({ jsonrpc: '2.0', method: 'work', id: 4 });
    // `{ id }` is not this shape's member: ignored.
    peer.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { id: 4 } });
    peer.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 4 } });
    expect(await aborted.promise).toBeInstanceOf(RequestCancelledError);
    // Nothing was sent for 4: the next message is the client's own call.
    void client.call('after').catch(() => {});
    expect(await peer.next()).toMatchObject({ method: 'after' });
    expect(client.stats().inbound).toMatchObject({ cancelled: 1 });
  });

  it('defaults idParam to id and answers -32800', async () => {
    const { peer, client } = await pair({ cancelMethod: { method: 'stop' } });
    client.method('work', () => new Promise(() => {}));
    peer.send({ jsonrpc: '2.0', method: 'work', id: 7 });
    peer.send({ jsonrpc: '2.0', method: 'stop', params: { id: 7 } });
    expect(await peer.next()).toMatchObject({
      error: { code: -32800, message: 'Request cancelled' },
      id: 7,
    });
    await rejection(client.call('slow', [], { timeout: 5 }));
    const slow = await peer.next();
    expect(slow).toMatchObject({ method: 'slow' });
    expect(await peer.next()).toMatchObject({ method: 'stop', params: { id: slow['id'] } });
  });
});
