// The Go rerpc server's recorded behaviour (/work/shared/wire/go-rerpc.md): it answers
// notifications with id null, handles one request at a time per connection, and a client must
// drop any answer whose id it does not know without resolving the wrong call.
import { describe, expect, it } from 'vitest';
import { RpcError } from '../src/index.js';
import { until } from './fixtures/raw-server.js';
import { gate, rejection, setup } from './helpers.js';

const go = { answerNotifications: true, sequential: true, noBatches: true };

describe('against the Go rerpc server', () => {
  it('gets the recorded answers for Add, Multiply, Divide by zero and an unknown service', async () => {
    const { client } = await setup(go);
    await expect(client.call('ArithService.Add', { a: 10, b: 20 })).resolves.toEqual({
      result: 30,
    });
    await expect(client.call('ArithService.Multiply', { a: 6, b: 7 })).resolves.toEqual({
      result: 42,
    });
    const divide = await rejection<RpcError>(client.call('ArithService.Divide', { a: 1, b: 0 }));
    expect(divide).toBeInstanceOf(RpcError);
    expect(divide.toJSON()).toEqual({
      code: -32603,
      message: 'Internal error',
      data: 'division by zero',
    });
    const missing = await rejection<RpcError>(client.call('NoSuch.Method', { a: 1, b: 2 }));
    expect(missing.toJSON()).toEqual({
      code: -32601,
      message: 'Method not found',
      data: 'service NoSuch not found',
    });
  });

  it('drops and counts the answer to a notification (id null)', async () => {
    const { client } = await setup(go);
    await client.notify('ArithService.Add', { a: 1, b: 2 });
    await expect(client.call('ArithService.Add', { a: 2, b: 2 })).resolves.toEqual({ result: 4 });
    expect(client.stats().dropped).toBe(1);
    expect(client.stats().pending).toBe(0);
  });

  it('pipelines many calls to a server that answers one at a time, in order', async () => {
    const { client, server } = await setup(go, { pipelineThreshold: 1000 });
    const calls = Array.from({ length: 500 }, (_, i) =>
      client.call('ArithService.Add', { a: i, b: i }),
    );
    await expect(Promise.all(calls)).resolves.toEqual(
      Array.from({ length: 500 }, (_, i) => ({ result: 2 * i })),
    );
    expect(server.accepted).toBe(1);
  });

  it('drops stray answers (unknown, null, string or non-number ids, null, junk) without resolving the wrong call', async () => {
    const g = gate();
    const { client, server } = await setup({
      ...go,
      sequential: false,
      handlers: { 'T.wait': g.handler },
    });
    const calls = [1, 2, 3].map((n) => client.call('T.wait', [n]));
    await until(() => g.started === 3);
    server.broadcast(
      `${[
        '{"jsonrpc":"2.0","result":"stray","id":999}',
        '{"jsonrpc":"2.0","result":"null id","id":null}',
        '{"jsonrpc":"2.0","result":"string id","id":"1"}',
        '{"jsonrpc":"2.0","result":"no id"}',
        '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}',
        '{not json',
        '42',
        'null',
        '[null,"x"]',
        '[]',
        '',
      ].join('\n')}\n`,
    );
    await until(() => client.stats().dropped === 11);
    g.releaseAll();
    await expect(Promise.all(calls)).resolves.toEqual([[1], [2], [3]]);
    expect(client.stats().dropped).toBe(11);
  });
});
