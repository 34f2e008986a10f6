// The client's diagnostics channels, against the real @rerpc/server over TCP and HTTP.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { nextMessage, recordChannel as record, recordTracing } from '@rerpc/internal/testing';
import { type CallContext, createServer } from '@rerpc/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type ClientCallTrace,
  type ClientConnectionMessage,
  type ClientEndpointMessage,
  createClient,
  RpcError,
} from '../src/index.js';
import { freePortOn, LINUX } from './endpoints-helpers.js';
import { rejection } from './helpers.js';

/** Every event of `tracingChannel('rerpc:client:call')`, a copy of its context at that moment. */
const recordTrace = () => recordTracing<ClientCallTrace>('rerpc:client:call');

/** A @rerpc/server on 127.0.0.1 (TCP or HTTP) with echo, add, fail and note; closed after the test. */
async function serve(transport: 'tcp' | 'http') {
  const server = createServer();
  const notes: unknown[] = [];
  server.method('echo', (params: unknown) => params);
  server.method('add', ([a, b]: number[]) => a! + b!);
  server.method('fail', () => {
    throw new RpcError(-32042, 'no');
  });
  server.method('note', (params: unknown, _ctx: CallContext) => {
    notes.push(params);
    return null;
  });
  onTestFinished(() => server.close({ timeout: 0 }));
  const address = await server.listen({ transport, port: 0, host: '127.0.0.1' });
  if (!('port' in address)) throw new Error('expected a TCP address');
  const target =
    transport === 'tcp'
      ? { host: '127.0.0.1', port: address.port }
      : `http://127.0.0.1:${address.port}/`;
  const client = createClient(target);
  onTestFinished(() => client.close({ timeout: 0 }));
  return { client, notes, port: address.port };
}

describe('tracingChannel rerpc:client:call', () => {
  it('over TCP: start, end, asyncStart, asyncEnd for a call; error for an error answer; kinds and ids', async () => {
    const events = recordTrace();
    const { client, port } = await serve('tcp');
    expect(await client.call('add', [1, 2])).toBe(3);
    const error = await rejection<RpcError>(client.call('fail', []));
    expect(error.code).toBe(-32042);
    await client.notify('note', ['x']);
    await client.batch([{ method: 'add', params: [2, 3] }]);

    const names = events.map(([event, t]) => `${event}:${t.kind}:${t.method}`);
    expect(names).toEqual([
      'start:call:add',
      'end:call:add',
      'asyncStart:call:add',
      'asyncEnd:call:add',
      'start:call:fail',
      'end:call:fail',
      'error:call:fail',
      'asyncStart:call:fail',
      'asyncEnd:call:fail',
      'start:notify:note',
      'end:notify:note',
      'asyncStart:notify:note',
      'asyncEnd:notify:note',
      'start:batch:batch',
      'end:batch:batch',
      'asyncStart:batch:batch',
      'asyncEnd:batch:batch',
    ]);
    const [, first] = events[0]!;
    expect(first).toMatchObject({ params: [1, 2], target: `127.0.0.1:${port}`, id: null });
    expect(events[1]![1].id).toBe(events[3]![1].id);
    expect(typeof events[1]![1].id).toBe('number');
    expect(events[3]![1].result).toBe(3);
    expect((events[6]![1].error as RpcError).code).toBe(-32042);
    expect(events[10]![1].id).toBeNull(); // a notification has none
  });

  it('over HTTP: the same events, target the URL', async () => {
    const events = recordTrace();
    const { client, port } = await serve('http');
    expect(await client.call('echo', { a: 1 })).toEqual({ a: 1 });
    expect(events.map(([event]) => event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(events[3]![1]).toMatchObject({
      kind: 'call',
      method: 'echo',
      target: `http://127.0.0.1:${port}/`,
      result: { a: 1 },
    });
  });

  it('sends the params a start subscriber put in place (how trace context is carried)', async () => {
    const start = (message: unknown) => {
      const trace = message as ClientCallTrace;
      if (trace.kind === 'batch') return;
      trace.params = { ...(trace.params as object), _meta: { traceparent: 'tp' } };
    };
    subscribe('tracing:rerpc:client:call:start', start);
    onTestFinished(() => {
      unsubscribe('tracing:rerpc:client:call:start', start);
    });
    const { client, notes } = await serve('tcp');
    expect(await client.call('echo', { a: 1 })).toEqual({ a: 1, _meta: { traceparent: 'tp' } });
    await client.notify('note', { n: 1 });
    expect(await client.call('echo', [])).toEqual({ _meta: { traceparent: 'tp' } });
    expect(notes).toEqual([{ n: 1, _meta: { traceparent: 'tp' } }]);
  });

  it('publishes nothing and sends the params as given without subscribers', async () => {
    const { client } = await serve('tcp');
    expect(await client.call('echo', { a: 1 })).toEqual({ a: 1 });
  });
});

describe('rerpc:client:connection channels', () => {
  it('publish each pooled connection dialled and closed, with transport and address', async () => {
    const opened = record<ClientConnectionMessage>('rerpc:client:connection:open');
    const closed = record<ClientConnectionMessage>('rerpc:client:connection:close');
    const { client, port } = await serve('tcp');
    await client.call('add', [1, 1]);
    const address = `127.0.0.1:${port}`;
    expect(opened.filter((m) => m.address === address)).toEqual([{ transport: 'tcp', address }]);
    await client.close();
    expect(closed.filter((m) => m.address === address)).toEqual([{ transport: 'tcp', address }]);
  });

  it('publish a WebSocket connection (ws) to @rerpc/server', async () => {
    const opened = record<ClientConnectionMessage>('rerpc:client:connection:open');
    const closed = record<ClientConnectionMessage>('rerpc:client:connection:close');
    const { port } = await serve('http');
    const url = `ws://127.0.0.1:${port}/`;
    const client = createClient(url);
    onTestFinished(() => client.close({ timeout: 0 }));
    expect(await client.call('add', [2, 2])).toBe(4);
    expect(opened.filter((m) => m.transport === 'ws')).toEqual([{ transport: 'ws', address: url }]);
    await client.close();
    expect(closed.filter((m) => m.transport === 'ws')).toEqual([{ transport: 'ws', address: url }]);
  });
});

describe.skipIf(!LINUX)('rerpc:client:endpoint channels', () => {
  it('publish an endpoint ejected after failed dials and its return after a successful probe', async () => {
    const [dead, live] = ['127.0.0.2', '127.0.0.3'];
    const port = await freePortOn([dead, live]);
    const server = createServer();
    server.method('where', () => 'live');
    onTestFinished(() => server.close({ timeout: 0 }));
    await server.listen({ port, host: live });
    const client = createClient(
      {
        endpoints: [`tcp://${dead}:${port}`, `tcp://${live}:${port}`],
        pick: 'first',
        ejectAfter: 1,
        ejectionTime: 20,
        maxEjectionTime: 40,
      },
      { timeout: 10_000 },
    );
    onTestFinished(() => client.close({ timeout: 0 }));
    const ejected = record<ClientEndpointMessage>('rerpc:client:endpoint:eject');
    const before = Date.now();
    // Nothing listens on `dead`: its dial fails, it is ejected, the call moves on.
    expect(await client.call('where')).toBe('live');
    expect(ejected[0]).toMatchObject({
      address: `${dead}:${port}`,
      state: 'ejected',
      ejections: 1,
    });
    expect(ejected[0]!.until).toBeGreaterThanOrEqual(before + 20);
    // A server comes up there: the next probe's dial succeeds and the endpoint returns.
    const back = nextMessage<ClientEndpointMessage>('rerpc:client:endpoint:return');
    const revived = createServer();
    revived.method('where', () => 'revived');
    onTestFinished(() => revived.close({ timeout: 0 }));
    await revived.listen({ port, host: dead });
    // Probes that ran before it listened failed and ejected it again: `ejections` is 1 or more.
    const returned = await back;
    expect(returned).toMatchObject({ address: `${dead}:${port}`, state: 'up', until: null });
    expect(returned.ejections).toBeGreaterThanOrEqual(1);
    expect(await client.call('where')).toBe('revived');
  });
});
