// The methods of the JSON-RPC 2.0 specification's examples (section 7) and a few probes, as the
// spec server serves them. Bad params are answered with -32602, never with a crash.
import { setTimeout as delay } from 'node:timers/promises';
import { type CallContext, RpcError, type Server, type SubscriptionSink } from '@rerpc/server';
import { registerArith } from './arith.js';

function invalidParams(expected: string): RpcError {
  return new RpcError(-32602, 'Invalid params', `expected ${expected}`);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function subtract(params: unknown): number {
  if (Array.isArray(params)) {
    const [a, b] = params as unknown[];
    if (params.length === 2 && isNumber(a) && isNumber(b)) return a - b;
  } else if (typeof params === 'object' && params !== null) {
    const { minuend, subtrahend } = params as Record<string, unknown>;
    if (isNumber(minuend) && isNumber(subtrahend)) return minuend - subtrahend;
  }
  throw invalidParams('[minuend, subtrahend] or { "minuend": number, "subtrahend": number }');
}

function sum(params: unknown): number {
  if (!Array.isArray(params) || !params.every(isNumber)) throw invalidParams('an array of numbers');
  return (params as number[]).reduce((total, n) => total + n, 0);
}

/** Resolves with `ms` after `ms` milliseconds; rejects with the reason when ctx.signal aborts. */
function sleep(params: { ms: number }, ctx: CallContext): Promise<number> {
  const { ms } = params;
  const signal = ctx.signal;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(ms);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function fail(params: { code: number; message: string; data?: unknown }): never {
  const hasData = Object.hasOwn(params, 'data');
  throw new RpcError(params.code, params.message, hasData ? params.data : undefined);
}

const returnNull = () => null;

/**
 * `ticks_subscribe { from }`: the numbers from `from` up, one every 10 ms (a steady stream, not
 * a flood that would queue a call's answer behind thousands of events), until the client leaves.
 */
function ticks(params: { from: number }, _ctx: CallContext, sink: SubscriptionSink<number>): void {
  void (async () => {
    for (let n = params.from; !sink.closed; n++) {
      await sink.send(n);
      await delay(10);
    }
  })().catch(() => {}); // ends when the client unsubscribes or goes away
}

/** Registers every method of the spec server. */
export function registerSpecMethods(server: Server): void {
  server.method('subtract', subtract, {
    summary: 'minuend - subtrahend, by position or by name (the spec, section 7).',
    examples: [
      { name: 'by position', params: [42, 23], result: 19 },
      { name: 'by name', params: { subtrahend: 23, minuend: 42 }, result: 19 },
    ],
  });
  server.method('sum', sum, {
    summary: 'The sum of an array of numbers.',
    examples: [{ name: 'seven', params: [1, 2, 4], result: 7 }],
  });
  server.method('get_data', () => ['hello', 5], { summary: "Answers ['hello', 5]." });
  server.method('update', returnNull, {
    summary: 'Does nothing (the spec sends it as a notification).',
  });
  server.method('notify_hello', returnNull, { summary: 'Does nothing (a notification).' });
  server.method('notify_sum', returnNull, { summary: 'Does nothing (a notification).' });
  server.method('echo', (params: unknown) => (params === undefined ? null : params), {
    summary: 'Answers its params as sent (null without params).',
  });
  server.method('sleep', sleep, {
    summary: 'Answers ms after ms milliseconds; stops early when cancelled.',
    params: {
      type: 'object',
      properties: { ms: { type: 'integer', minimum: 0, maximum: 3_600_000 } },
      required: ['ms'],
    },
    examples: [{ name: 'ten ms', params: { ms: 10 }, result: 10 }],
  });
  server.method('fail', fail, {
    summary: 'Answers the error it is given.',
    params: {
      type: 'object',
      properties: { code: { type: 'integer' }, message: { type: 'string' }, data: {} },
      required: ['code', 'message'],
    },
  });
  server.method(
    'crash',
    () => {
      throw new Error('secret internal detail');
    },
    { summary: 'Throws a plain Error: answered -32603 without its message.' },
  );
  server.subscription('ticks', ticks, {
    params: {
      type: 'object',
      properties: { from: { type: 'integer' } },
      required: ['from'],
      additionalProperties: false,
    },
  });
  // Go rerpc's ArithService, errors included: a Go client sees the answers it expects.
  registerArith(server, { goErrors: true });
}
