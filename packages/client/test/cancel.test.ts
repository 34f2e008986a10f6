// A call given up on (timeout, abort) tells the server with a cancelMethod notification after
// its request: on by default with Content-Length framing ('$/cancelRequest', as LSP), off with
// NDJSON (the Go rerpc wire is unchanged) unless cancelMethod names one.
import { describe, expect, it } from 'vitest';
import type { ClientOptions } from '../src/index.js';
import { tcpPeer, wsPeer } from './fixtures/peer.js';
import { connect, rejection } from './helpers.js';

async function pair(framing: 'ndjson' | 'content-length', options: ClientOptions = {}) {
  const peer = await tcpPeer(framing);
  const client = connect(peer.port, { framing, ...options });
  await client.call('hello', [], { timeout: 10_000 });
  return { peer, client };
}

describe('cancelMethod', () => {
  it("sends $/cancelRequest { id } after a timed-out call's request (Content-Length default)", async () => {
    const { peer, client } = await pair('content-length');
    const error = await rejection(client.call('slow', [1], { timeout: 5 }));
    expect(error).toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    const request = await peer.next();
    expect(request).toMatchObject({ method: 'slow', id: 2 });
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      method: '$/cancelRequest',
      params: { id: 2 },
    });
  });

  it('sends it when the call is aborted, and drops the late -32800 answer', async () => {
    const { peer, client } = await pair('content-length');
    const controller = new AbortController();
    const call = client.call('slow', [], { signal: controller.signal });
    const request = await peer.next();
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'RERPC_ERR_ABORTED' });
    expect(await peer.next()).toMatchObject({
      method: '$/cancelRequest',
      params: { id: request['id'] },
    });
    const dropped = client.stats().dropped;
    peer.send({
      jsonrpc: '2.0',
      error: { code: -32800, message: 'Request cancelled' },
      id: request['id'],
    });
    // The answer to the next call arrives after the -32800 on the same connection.
    const next = client.call('ping');
    const ping = await peer.next();
    peer.send({ jsonrpc: '2.0', result: 'pong', id: ping['id'] });
    await expect(next).resolves.toBe('pong');
    expect(client.stats().dropped).toBe(dropped + 1);
  });

  it('sends one per unanswered request of a batch', async () => {
    const { peer, client } = await pair('content-length');
    const batch = client.batch([{ method: 'a' }, { method: 'n', notify: true }, { method: 'b' }], {
      timeout: 5,
    });
    await expect(batch).rejects.toMatchObject({ code: 'RERPC_ERR_TIMEOUT' });
    expect(Array.isArray(await peer.next())).toBe(true);
    const notes = [await peer.next(), await peer.next()];
    expect(notes.map((n) => n['params'])).toEqual([{ id: 2 }, { id: 3 }]);
    expect(client.stats().cancelsSent).toBe(2);
  });

  it('sends none with NDJSON by default: the next message is the next call', async () => {
    const { peer, client } = await pair('ndjson');
    await rejection(client.call('slow', [], { timeout: 5 }));
    expect(await peer.next()).toMatchObject({ method: 'slow' });
    void client.call('after').catch(() => {});
    expect(await peer.next()).toMatchObject({ method: 'after' });
  });

  it('sends the named notification with NDJSON when cancelMethod is set, none when null', async () => {
    const named = await pair('ndjson', { cancelMethod: 'rpc.cancel' });
    await rejection(named.client.call('slow', [], { timeout: 5 }));
    expect(await named.peer.next()).toMatchObject({ method: 'slow', id: 2 });
    expect(await named.peer.next()).toMatchObject({ method: 'rpc.cancel', params: { id: 2 } });

    const off = await pair('content-length', { cancelMethod: null });
    await rejection(off.client.call('slow', [], { timeout: 5 }));
    expect(await off.peer.next()).toMatchObject({ method: 'slow' });
    void off.client.call('after').catch(() => {});
    expect(await off.peer.next()).toMatchObject({ method: 'after' });
    expect([named.client.stats().cancelsSent, off.client.stats().cancelsSent]).toEqual([1, 0]);
  });

  it('sends it over a WebSocket when cancelMethod is set', async () => {
    const peer = await wsPeer();
    const client = connect(`ws://127.0.0.1:${peer.port}/`, { cancelMethod: '$/cancelRequest' });
    await client.call('hello', [], { timeout: 10_000 });
    await rejection(client.call('slow', [], { timeout: 5 }));
    expect(await peer.next()).toMatchObject({ method: 'slow', id: 2 });
    expect(await peer.next()).toMatchObject({ method: '$/cancelRequest', params: { id: 2 } });
  });
});
