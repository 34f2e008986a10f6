import { inspect } from 'node:util';
import { specExamples } from '@rerpc/internal/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  AbortError,
  type CallContext,
  DisconnectedError,
  HandlerTimeoutError,
  RpcError,
} from '../src/index.js';
import { createServerWithClock } from '../src/server.js';
import { abortReason, answer, byId, deferred, makeServer, req, stuck } from './helpers.js';

/** The answer to call id 1 whose handler threw something other than an RpcError. */
const INTERNAL_ERROR = {
  jsonrpc: '2.0',
  error: { code: -32603, message: 'Internal error' },
  id: 1,
};

describe('handle(): JSON-RPC 2.0 specification, section 7', () => {
  for (const example of specExamples) {
    it(`answers "${example.name}" as the specification does`, async () => {
      const server = makeServer();
      const got = await answer(server.handle(example.request));
      if (example.response === null) expect(got).toBeNull();
      else if (Array.isArray(example.response)) {
        expect(byId(got)).toMatchObject(byId(example.response));
        expect(got).toHaveLength(example.response.length);
      } else expect(got).toMatchObject(example.response as object);
    });
  }
});

describe('handle(): the Go rerpc wire', () => {
  it('answers ArithService.Add with the exact bytes Go rerpc sends', async () => {
    const server = makeServer();
    const text = await server.handle(
      '{"jsonrpc":"2.0","method":"ArithService.Add","params":{"a":10,"b":20},"id":1}',
    );
    expect(text).toBe('{"jsonrpc":"2.0","result":{"result":30},"id":1}');
  });

  it('answers an RpcError thrown by the handler with its code, message and data', async () => {
    const server = makeServer();
    const text = await server.handle(
      '{"jsonrpc":"2.0","method":"ArithService.Divide","params":{"a":1,"b":0},"id":3}',
    );
    expect(text).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error","data":"division by zero"},"id":3}',
    );
  });

  it('answers an unknown method with -32601 and data naming the method', async () => {
    const server = makeServer();
    expect(await answer(server.handle(req('NoSuch.Method', { a: 1, b: 2 }, 4)))).toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found', data: 'method NoSuch.Method not found' },
      id: 4,
    });
  });

  it('echoes a method name of up to 200 characters whole, and cuts a longer one', async () => {
    const server = makeServer();
    const data = async (method: string) =>
      ((await answer(server.handle(req(method)))) as { error: { data: string } }).error.data;
    const exact = 'm'.repeat(200);
    expect(await data(exact)).toBe(`method ${exact} not found`);
    expect(await data(`${exact}xyz`)).toBe(`method ${exact}… not found`);
  });

  it('echoes a string id', async () => {
    const server = makeServer();
    expect(await answer(server.handle(req('ArithService.Add', { a: 1, b: 2 }, 'abc')))).toEqual({
      jsonrpc: '2.0',
      result: { result: 3 },
      id: 'abc',
    });
  });

  it('answers params that fail the schema with -32602', async () => {
    const server = makeServer();
    const got = (await answer(server.handle(req('ArithService.Add', [1, 2], 5)))) as {
      error: { code: number; message: string; data: unknown };
    };
    expect(got.error).toMatchObject({ code: -32602, message: 'Invalid params' });
    expect(got.error.data).toBeInstanceOf(Array);
  });
});

describe('handle(): handler errors', () => {
  it('hides a thrown Error as -32603 "Internal error" without message or stack', async () => {
    const server = makeServer();
    const text = await server.handle(req('crash'));
    expect(text).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}',
    );
  });

  it.each([
    ['the thrown Error message', 'crash', 'secret internal detail'],
    ['"unknown error" for a hostile thrown value (a throwing Proxy)', 'hostile', 'unknown error'],
  ])('sends %s as -32603 data with exposeErrors', async (_what, method, data) => {
    const server = makeServer({ exposeErrors: true });
    server.method('hostile', () => {
      throw new Proxy(
        {},
        {
          get() {
            throw new Error('boom');
          },
          getPrototypeOf() {
            throw new Error('boom');
          },
        },
      );
    });
    expect(await answer(server.handle(req(method)))).toEqual({
      ...INTERNAL_ERROR,
      error: { ...INTERNAL_ERROR.error, data },
    });
  });

  it('passes RpcError code, message and data through, from a sync throw or a rejection', async () => {
    const server = makeServer();
    server.method('reject', async () => {
      throw new RpcError(-32050, 'Custom', { why: 'because' });
    });
    expect(
      await answer(server.handle(req('fail', { code: -32010, message: 'Nope', data: [1] }))),
    ).toEqual({ jsonrpc: '2.0', error: { code: -32010, message: 'Nope', data: [1] }, id: 1 });
    expect(await answer(server.handle(req('reject')))).toEqual({
      jsonrpc: '2.0',
      error: { code: -32050, message: 'Custom', data: { why: 'because' } },
      id: 1,
    });
  });

  it('treats a thrown null or a non-Error value as an internal error', async () => {
    const server = makeServer();
    server.method('throwNull', () => {
      throw null;
    });
    server.method('rejectString', () => Promise.reject('nope'));
    for (const method of ['throwNull', 'rejectString']) {
      expect(await answer(server.handle(req(method)))).toEqual(INTERNAL_ERROR);
    }
  });

  it('reports non-RpcError throws to onHandlerError with the call context', async () => {
    const seen: Array<[unknown, string, unknown]> = [];
    const server = makeServer({
      onHandlerError: (error, ctx) => seen.push([error, ctx.method, ctx.id]),
    });
    await server.handle(req('crash', undefined, 7));
    await server.handle(req('fail', { code: -32001, message: 'x' }, 8));
    await server.handle('{"jsonrpc":"2.0","method":"crash"}');
    expect(seen).toHaveLength(2);
    expect((seen[0]![0] as Error).message).toBe('secret internal detail');
    expect(seen[0]!.slice(1)).toEqual(['crash', 7]);
    expect(seen[1]!.slice(1)).toEqual(['crash', undefined]);
  });

  it('answers an unserialisable result with -32603 and keeps serving', async () => {
    const server = makeServer();
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    server.method('bigint', () => 10n);
    server.method('circular', () => circular);
    for (const method of ['bigint', 'circular']) {
      expect(await answer(server.handle(req(method)))).toEqual(INTERNAL_ERROR);
    }
    expect(await server.handle(req('echo', [1]))).toBe('{"jsonrpc":"2.0","result":[1],"id":1}');
  });

  it('says why a result could not be serialised with exposeErrors, and reports the cause', async () => {
    const reported: Array<[unknown, string, unknown]> = [];
    const server = makeServer({
      exposeErrors: true,
      onHandlerError: (error, ctx) => reported.push([error, ctx.method, ctx.id]),
    });
    server.method('bigint', () => 10n);
    const text = await server.handle(req('bigint', undefined, 3));
    const { error } = JSON.parse(text!) as { error: { code: number; data: string } };
    expect(error).toEqual({ code: -32603, message: 'Internal error', data: expect.any(String) });
    expect(error.data).toMatch(/^the result could not be serialised: .*BigInt/);
    expect(reported).toHaveLength(1);
    expect(reported[0]![0]).toBeInstanceOf(TypeError);
    expect(reported[0]!.slice(1)).toEqual(['bigint', 3]);
    expect(server.stats().errors).toEqual({ '-32603': 1 });
  });

  it('answers undefined results as null', async () => {
    const server = makeServer();
    server.method('nothing', () => undefined);
    server.method('nothingLater', async () => undefined);
    expect(await server.handle(req('nothing'))).toBe('{"jsonrpc":"2.0","result":null,"id":1}');
    expect(await server.handle(req('nothingLater'))).toBe('{"jsonrpc":"2.0","result":null,"id":1}');
  });
});

describe('handle(): hostile input', () => {
  const names = [
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'ArithService.constructor',
    'ArithService._secret',
    'ArithService.__proto__',
    'ArithService.toString',
    'ArithService',
    '',
  ];
  for (const name of names) {
    it(`answers method ${JSON.stringify(name)} with -32601`, async () => {
      const server = makeServer();
      const got = (await answer(server.handle(req(name)))) as { error: { code: number } };
      expect(got.error.code).toBe(-32601);
    });
  }

  it('lets __proto__ keys in params pollute nothing', async () => {
    const server = makeServer();
    const text =
      '{"jsonrpc":"2.0","method":"echo","params":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}},"id":1}';
    const got = (await answer(server.handle(text))) as { result: Record<string, unknown> };
    expect(Object.keys(got.result)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('ignores method, jsonrpc and id inherited through a polluted-looking __proto__ key', async () => {
    const server = makeServer();
    const got = await answer(
      server.handle('{"__proto__":{"jsonrpc":"2.0","method":"echo","id":1},"params":[1]}'),
    );
    expect(got).toMatchObject({ error: { code: -32600 }, id: null });
  });

  const wrong: Array<[string, string, unknown]> = [
    ['a number', '42', null],
    ['a string', '"hello"', null],
    ['null', 'null', null],
    ['true', 'true', null],
    ['jsonrpc "1.0"', '{"jsonrpc":"1.0","method":"echo","id":1}', 1],
    ['no jsonrpc', '{"method":"echo","id":1}', 1],
    ['method a number', '{"jsonrpc":"2.0","method":5,"id":1}', 1],
    ['params a string', '{"jsonrpc":"2.0","method":"echo","params":"x","id":1}', 1],
    ['params null', '{"jsonrpc":"2.0","method":"echo","params":null,"id":1}', 1],
    ['id an object', '{"jsonrpc":"2.0","method":"echo","id":{}}', null],
    ['id an array', '{"jsonrpc":"2.0","method":"echo","id":[1]}', null],
    ['id a boolean', '{"jsonrpc":"2.0","method":"echo","id":true}', null],
  ];
  for (const [what, text, id] of wrong) {
    it(`answers ${what} with -32600 and id ${JSON.stringify(id)}`, async () => {
      const server = makeServer();
      expect(await answer(server.handle(text))).toMatchObject({
        jsonrpc: '2.0',
        error: { code: -32600, message: 'Invalid Request' },
        id,
      });
    });
  }

  it('answers garbage and blank input with -32700, id null', async () => {
    const server = makeServer();
    for (const text of ['{bad json', '', '   ', 'nul', '{"a":1}}']) {
      expect(await answer(server.handle(text))).toMatchObject({
        jsonrpc: '2.0',
        error: { code: -32700, message: 'Parse error' },
        id: null,
      });
    }
    let parseMessage = '';
    try {
      JSON.parse('{bad json');
    } catch (error) {
      parseMessage = (error as Error).message;
    }
    expect(await answer(server.handle('{bad json'))).toMatchObject({
      error: { data: `invalid JSON: ${parseMessage}` },
    });
  });

  it('answers invalid UTF-8 bytes with -32700 and valid bytes normally', async () => {
    const server = makeServer();
    const bad = Buffer.concat([
      Buffer.from('{"jsonrpc":"2.0","method":"echo","params":["'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"],"id":1}'),
    ]);
    expect(await answer(server.handle(bad))).toMatchObject({ error: { code: -32700 }, id: null });
    const good = new TextEncoder().encode(req('echo', ['héllo ☃ 😀']));
    expect(await answer(server.handle(good))).toEqual({
      jsonrpc: '2.0',
      result: ['héllo ☃ 😀'],
      id: 1,
    });
  });

  it('ignores a response-shaped message and counts it', async () => {
    const server = makeServer();
    expect(await server.handle('{"jsonrpc":"2.0","result":1,"id":1}')).toBeNull();
    expect(
      await server.handle('{"jsonrpc":"2.0","error":{"code":1,"message":"x"},"id":2}'),
    ).toBeNull();
    expect(
      await answer(server.handle(`[{"jsonrpc":"2.0","result":1,"id":1},${req('echo', [2], 2)}]`)),
    ).toEqual([{ jsonrpc: '2.0', result: [2], id: 2 }]);
    expect(server.stats().ignoredResponses).toBe(3);
  });

  it('answers params too deep for a recursive schema with -32602 instead of failing', async () => {
    // maxDepth (128 by default) refuses such input before parsing; raised, the validator meets it.
    // 200 000 levels overflow the stack of a worker thread too (pnpm mutation runs vitest in
    // threads, whose stack is larger than a forked process's main thread: 20 000 passed there).
    const server = makeServer({ maxDepth: 1_000_000, maxMessageBytes: 4 * 1024 * 1024 });
    server.method('tree', () => 'ok', {
      params: { type: 'object', properties: { child: { $ref: '#' } } },
    });
    const depth = 200_000;
    const text = `{"jsonrpc":"2.0","method":"tree","params":${'{"child":'.repeat(depth)}{}${'}'.repeat(depth)},"id":1}`;
    expect(await answer(server.handle(text))).toMatchObject({ error: { code: -32602 }, id: 1 });
    expect(await answer(server.handle(req('tree', { child: {} })))).toMatchObject({ result: 'ok' });
  });

  it('rejects a message that is neither a string nor bytes', async () => {
    const server = makeServer();
    await expect(server.handle({} as never)).rejects.toThrow(
      'message must be a string or a Uint8Array, got an object',
    );
  });
});

describe('handle(): batches', () => {
  it('answers a batch once all members finish, in member order, whatever finishes first', async () => {
    const server = makeServer();
    const text = `[${req('sleep', { ms: 30 }, 'slow')},${req('echo', ['fast'], 'fast')},${req('sleep', { ms: 0 }, 'zero')}]`;
    expect(await answer(server.handle(text))).toEqual([
      { jsonrpc: '2.0', result: 30, id: 'slow' },
      { jsonrpc: '2.0', result: ['fast'], id: 'fast' },
      { jsonrpc: '2.0', result: 0, id: 'zero' },
    ]);
  });

  it('answers a batch over maxBatchLength with one -32600 error naming the limit', async () => {
    const server = makeServer({ maxBatchLength: 3 });
    const members = Array.from({ length: 4 }, (_, i) => req('echo', [i], i));
    const got = (await answer(server.handle(`[${members.join(',')}]`))) as {
      error: { code: number; data: string };
      id: unknown;
    };
    expect(got).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32600,
        message: 'Invalid Request',
        data: 'batch of 4 members exceeds maxBatchLength (3); split it',
      },
      id: null,
    });
    expect(await answer(server.handle(`[${members.slice(0, 3).join(',')}]`))).toHaveLength(3);
  });

  it('answers each array nested in a batch with -32600: a batch member must be an object', async () => {
    const server = makeServer();
    const invalid = {
      jsonrpc: '2.0',
      error: {
        code: -32600,
        message: 'Invalid Request',
        data: 'a batch member must be an object',
      },
      id: null,
    };
    expect(await answer(server.handle('[[1],[]]'))).toEqual([invalid, invalid]);
  });

  it('answers each request of an over-long batch -32002 once closing, running nothing', async () => {
    const server = makeServer({ maxBatchLength: 2 });
    let runs = 0;
    server.method('count', () => ++runs);
    await server.close();
    const batch = `[${req('count', [], 1)},${req('count', [], 2)},{"jsonrpc":"2.0","method":"count"}]`;
    const refused = (id: number) => ({
      jsonrpc: '2.0',
      error: {
        code: -32002,
        message: 'Server is shutting down',
        data: 'the request arrived after the server began to close; it was not run',
      },
      id,
    });
    expect(await answer(server.handle(batch))).toEqual([refused(1), refused(2)]);
    expect(runs).toBe(0);
  });

  it('runs notifications in a batch without answering them', async () => {
    const server = makeServer();
    const ran: unknown[] = [];
    server.method('record', (params: unknown) => {
      ran.push(params);
    });
    const got = await answer(
      server.handle(
        `[{"jsonrpc":"2.0","method":"record","params":[1]},${req('echo', [2], 2)},{"jsonrpc":"2.0","method":"record","params":[3]}]`,
      ),
    );
    expect(got).toEqual([{ jsonrpc: '2.0', result: [2], id: 2 }]);
    expect(ran).toEqual([[1], [3]]);
  });
});

describe('handle(): ctx', () => {
  it('gives the handler id, method, remoteAddress and a deadline of arrival + handlerTimeout', async () => {
    // The server clock: monotonic ms since `origin`, a Date.now() time.
    const clock = { now: () => 250.5, origin: 1_700_000_000_000 };
    const server = createServerWithClock({ handlerTimeout: 5000 }, clock);
    onTestFinished(() => server.close({ timeout: 0 }));
    let seen: CallContext | null = null;
    server.method('inspect', (_params: unknown, ctx: CallContext) => {
      seen = ctx;
      return null;
    });
    await server.handle(req('inspect', undefined, 'x'), { remoteAddress: '10.0.0.1' });
    const ctx = seen as CallContext | null;
    expect(ctx?.id).toBe('x');
    expect(ctx?.method).toBe('inspect');
    expect(ctx?.remoteAddress).toBe('10.0.0.1');
    expect(ctx?.deadline).toBe(1_700_000_000_000 + 250.5 + 5000);
    expect(ctx?.signal.aborted).toBe(false);
  });

  it('gives an infinite deadline when handlerTimeout is 0, and no id for a notification', async () => {
    const server = makeServer({ handlerTimeout: 0 });
    const seen = deferred<CallContext>();
    server.method('inspect', (_params: unknown, ctx: CallContext) => seen.resolve(ctx));
    // Options without a remoteAddress: null too, never undefined.
    const signal = new AbortController().signal;
    expect(await server.handle('{"jsonrpc":"2.0","method":"inspect"}', { signal })).toBeNull();
    const ctx = await seen.promise;
    expect(ctx.deadline).toBe(Number.POSITIVE_INFINITY);
    expect(ctx.id).toBeUndefined();
    expect(ctx.remoteAddress).toBeNull();
  });

  it('answers -32001 past handlerTimeout and aborts ctx.signal with HandlerTimeoutError', async () => {
    const server = makeServer({ handlerTimeout: 30 });
    const aborted = stuck(server, 'hang').then(abortReason);
    const got = await answer(server.handle(req('hang')));
    expect(got).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32001,
        message: 'Handler timed out',
        data: 'hang did not finish within 30 ms',
      },
      id: 1,
    });
    expect(await aborted).toBeInstanceOf(HandlerTimeoutError);
    expect(server.stats().calls.timedOut).toBe(1);
    expect(server.stats().calls.inFlight).toBe(0);
  });

  it('aborts a signal read after the timeout already passed', async () => {
    const server = makeServer({ handlerTimeout: 20 });
    const later = stuck(server, 'late');
    await server.handle(req('late'));
    const ctx = await later;
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBeInstanceOf(HandlerTimeoutError);
  });

  it('rejects with AbortError and aborts ctx.signal when the handle() signal aborts', async () => {
    const server = makeServer();
    const started = stuck(server, 'hang');
    const controller = new AbortController();
    const pending = server.handle(req('hang'), { signal: controller.signal });
    const ctx = await started;
    controller.abort(new Error('client left'));
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBeInstanceOf(DisconnectedError);
    expect(server.stats().calls.inFlight).toBe(0);
  });

  it('rejects at once for an already-aborted signal, running nothing', async () => {
    const server = makeServer();
    let ran = false;
    server.method('mark', () => {
      ran = true;
    });
    const controller = new AbortController();
    controller.abort();
    await expect(server.handle(req('mark'), { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect(ran).toBe(false);
  });
});

describe('handle(): limits', () => {
  it('answers a message over maxMessageBytes with -32600, id null', async () => {
    const server = makeServer({ maxMessageBytes: 64 });
    const big = req('echo', ['x'.repeat(100)]);
    const got = (await answer(server.handle(big))) as { error: { code: number; data: string } };
    expect(got).toMatchObject({ error: { code: -32600 }, id: null });
    // handle() has no connection to close: the data says only the limit.
    expect(got.error.data).toBe('message exceeds maxMessageBytes (64 bytes)');
    expect(await answer(server.handle(Buffer.from(big)))).toMatchObject({
      error: { code: -32600 },
    });
    expect(await answer(server.handle(req('echo', ['ok'])))).toMatchObject({ result: ['ok'] });
  });

  it('counts multi-byte characters as their UTF-8 bytes', async () => {
    const server = makeServer({ maxMessageBytes: 100 });
    // 40 characters, 120 bytes of UTF-8 in the params alone.
    const got = await answer(server.handle(req('echo', ['☃'.repeat(40)])));
    expect(got).toMatchObject({ error: { code: -32600 }, id: null });
  });
});

describe('handle(): options and what a call shows', () => {
  it('names handle() options in its option errors', async () => {
    const server = makeServer();
    await expect(server.handle(req('echo'), 'fast' as never)).rejects.toThrow(
      'handle() options must be an object, got "fast"',
    );
    await expect(server.handle(req('echo'), { signl: null } as never)).rejects.toThrow(
      /^handle\(\) options has no option "signl"; did you mean "signal"\?/,
    );
  });

  it('gives a call one ctx.signal: one read early and one read late abort together', async () => {
    const server = makeServer({ handlerTimeout: 20 });
    const early = deferred<AbortSignal>();
    const started = stuck(server, 'hang');
    server.use((ctx, next) => {
      early.resolve(ctx.signal);
      return next();
    });
    const got = await answer(server.handle(req('hang')));
    expect(got).toMatchObject({ error: { code: -32001 } });
    const ctx = await started;
    const signal = await early.promise;
    expect(ctx.signal).toBe(signal);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(HandlerTimeoutError);
  });

  it('prints whether the call was aborted', async () => {
    const server = makeServer({ handlerTimeout: 20 });
    const started = stuck(server, 'hang');
    const pending = server.handle(req('hang'));
    const ctx = await started;
    expect(inspect(ctx)).toContain('aborted: false');
    await pending;
    expect(inspect(ctx)).toContain('aborted: true');
  });

  it('lists no peer for a handle() call in flight: it is not a connection', async () => {
    const server = makeServer();
    const started = stuck(server, 'hang');
    const controller = new AbortController();
    const pending = server.handle(req('hang'), { signal: controller.signal });
    await started;
    expect(server.peers()).toEqual([]);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });
});
