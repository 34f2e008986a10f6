import { describe, expect, it } from 'vitest';
import { DEFAULTS, type OpenRpcDocument } from '../src/index.js';
import { makeServer, req } from './helpers.js';

// discover (issue 18): rpc.discover answers the OpenRPC document of the registry, opt-in.

async function discover(server: ReturnType<typeof makeServer>): Promise<OpenRpcDocument> {
  const answer = JSON.parse((await server.handle(req('rpc.discover')))!) as {
    result: OpenRpcDocument;
  };
  return answer.result;
}

describe('discover', () => {
  it('is off by default: rpc.discover is not a method', async () => {
    expect(DEFAULTS.discover).toBe(false);
    const server = makeServer(undefined, false);
    expect(JSON.parse((await server.handle(req('rpc.discover')))!)).toMatchObject({
      error: { code: -32601 },
    });
  });

  it('answers the OpenRPC document of every method but itself, subscriptions and rpc.health included', async () => {
    const server = makeServer({ discover: true, healthMethod: 'rpc.health' }, false);
    server.method('add', ([a, b]: [number, number]) => a + b, {
      params: {
        type: 'array',
        items: [{ type: 'number' }, { type: 'number' }],
        minItems: 2,
        additionalItems: false,
      },
      summary: 'Adds.',
      errors: [{ code: 1, message: 'overflow' }],
    });
    server.subscription('ticks', () => {}, {
      params: { type: 'object', properties: { from: { type: 'integer' } } },
    });
    const doc = await discover(server);
    expect(doc).toMatchObject({
      openrpc: '1.3.2',
      info: { title: 'JSON-RPC API', version: '0.0.0' },
    });
    expect(doc.methods.map((m) => m.name)).toEqual([
      'rpc.health',
      'add',
      'ticks_subscribe',
      'ticks_unsubscribe',
    ]);
    expect(doc.methods[1]).toMatchObject({
      summary: 'Adds.',
      paramStructure: 'by-position',
      errors: [{ code: 1, message: 'overflow' }],
    });
    expect(doc.methods[2]).toMatchObject({
      paramStructure: 'by-name',
      params: [{ name: 'from', schema: { type: 'integer' }, required: false }],
      summary: expect.stringContaining('as ticks_subscription notifications'),
    });
    expect(doc.methods[3]?.summary).toContain('params [id]');
  });

  it("puts a subscription's own summary and description first, then how events arrive", async () => {
    const server = makeServer({ discover: true }, false);
    server.subscription('prices', () => {}, {
      summary: 'Price ticks.',
      description: 'One event per trade.',
      notification: 'prices.tick',
    });
    server.subscription('news', () => {}, { description: 'Headlines.' });
    const [prices, , news] = (await discover(server)).methods;
    expect(prices).toMatchObject({
      summary: 'Price ticks.',
      description: expect.stringMatching(
        /^One event per trade\.\n\nSubscribes: .* as prices\.tick /,
      ),
    });
    expect(news?.summary).toMatch(/^Subscribes: /);
    expect(news?.description).toMatch(/^Headlines\.\n\nSubscribes: /);
    expect(() => server.subscription('bad', () => {}, { sumary: 'x' } as never)).toThrow(
      'subscription() options has no option "sumary"; did you mean "summary"?',
    );
  });

  it('builds the document once and rebuilds it after a registration', async () => {
    const server = makeServer({ discover: { info: { title: 'Calc', version: '2.1.0' } } }, false);
    server.method('a', () => 1);
    const first = await server.handle(req('rpc.discover'));
    expect(JSON.parse(first!).result.info).toEqual({ title: 'Calc', version: '2.1.0' });
    expect(await server.handle(req('rpc.discover'))).toBe(first);
    server.register({ b: () => 2 }, { name: 'S' });
    const doc = await discover(server);
    expect(doc.methods.map((m) => m.name)).toEqual(['a', 'S.b']);
  });

  it('resolves the option: false, true and {} mean no document and the default info; info is copied and frozen', async () => {
    expect(makeServer({ discover: false }, false).options.discover).toBe(false);
    const defaultInfo = { info: { title: 'JSON-RPC API', version: '0.0.0' } };
    for (const option of [true, {}]) {
      const server = makeServer({ discover: option }, false);
      expect(server.options.discover).toEqual(defaultInfo);
      expect(Object.isFrozen(server.options.discover)).toBe(true);
      expect((await discover(server)).info).toEqual(defaultInfo.info);
    }
    const info = { title: 'Calc', version: '1.0.0', description: 'Adds numbers.' };
    const server = makeServer({ discover: { info } }, false);
    info.title = 'changed later';
    const resolved = server.options.discover as { info: object };
    expect(resolved).toEqual({
      info: { title: 'Calc', version: '1.0.0', description: 'Adds numbers.' },
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.info)).toBe(true);
    expect((await discover(server)).info).toEqual(resolved.info);
  });

  it.each([
    [{ discover: 'yes' }, 'discover must be an object, got "yes"'],
    [{ discover: { inf: {} } }, 'discover has no option "inf"; did you mean "info"?'],
    [{ discover: { info: { title: 'x' } } }, 'discover.info.version must be a non-empty string'],
    [
      { discover: { info: { title: '', version: '1' } } },
      'discover.info.title must be a non-empty string, got ""',
    ],
    [
      { discover: { info: { title: 't', version: '1', description: 3 } } },
      'discover.info.description must be a non-empty string, got 3',
    ],
    [
      { discover: { info: { title: 't', version: '1', licence: 'MIT' } } },
      'discover.info has no option "licence"',
    ],
  ])('refuses %j with a coded TypeError', (options, message) => {
    expect(() => makeServer(options as never, false)).toThrow(
      expect.objectContaining({
        code: 'RERPC_ERR_INVALID_OPTION',
        message: expect.stringContaining(message),
      }),
    );
  });
});
