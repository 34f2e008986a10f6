import { readFileSync } from 'node:fs';
import { FrameTooLargeError, FramingError } from '@rerpc/codec';
import {
  DialError,
  DialTimeoutError,
  PoolExhaustedError as PoolPoolExhaustedError,
} from '@rerpc/conn-pool';
import { builtErrorNameProblems, errorClassProblems } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
import {
  BACKOFF,
  Call,
  type CallHost,
  DONE,
  NEW,
  ON_CONNECTION,
  SINGLE,
  WAITING,
} from '../src/call.js';
import { expiryError, failureDetail } from '../src/errors.js';
import {
  AbortError,
  ClientClosedError,
  ConnectionError,
  DisconnectedError,
  HandlerTimeoutError,
  HttpStatusError,
  PoolExhaustedError,
  RequestCancelledError,
  RpcError,
  SubscriptionLostError,
  SubscriptionOverflowError,
  TimeoutError,
} from '../src/index.js';
import { CallSettings } from '../src/request.js';

const cause = new Error('underlying');
const errors = [
  [TimeoutError, new TimeoutError('A.b', 50, { cause }), 'RERPC_ERR_TIMEOUT'],
  [ConnectionError, new ConnectionError('h:1', true, 'reset', { cause }), 'RERPC_ERR_CONNECTION'],
  [
    PoolExhaustedError,
    new PoolExhaustedError('h:1', 10, 50, { cause }),
    'RERPC_ERR_POOL_EXHAUSTED',
  ],
  [ClientClosedError, new ClientClosedError(undefined, { cause }), 'RERPC_ERR_CLIENT_CLOSED'],
  [AbortError, new AbortError(cause), 'RERPC_ERR_ABORTED'],
  [
    HttpStatusError,
    new HttpStatusError('http://h:1/', 503, false, 'draining', null, { cause }),
    'RERPC_ERR_HTTP_STATUS',
  ],
] as const;
/** The reasons a handler's ctx.signal aborts with, and a subscription's ends: no cause. */
const reasons = [
  [HandlerTimeoutError, new HandlerTimeoutError('A.b', 5), 'RERPC_ERR_HANDLER_TIMEOUT'],
  [DisconnectedError, new DisconnectedError(), 'RERPC_ERR_DISCONNECTED'],
  [RequestCancelledError, new RequestCancelledError('A.b'), 'RERPC_ERR_REQUEST_CANCELLED'],
  [SubscriptionLostError, new SubscriptionLostError('news'), 'RERPC_ERR_SUBSCRIPTION_LOST'],
  [
    SubscriptionOverflowError,
    new SubscriptionOverflowError('news', 2),
    'RERPC_ERR_SUBSCRIPTION_OVERFLOW',
  ],
] as const;

describe('errors', () => {
  it.each(errors)('%o is a well-made error class with its code', (Class, error, code) => {
    expect(errorClassProblems(Class, error, code, cause)).toEqual([]);
  });

  it.each(reasons)('%o is a well-made error class with its code', (Class, error, code) => {
    expect(errorClassProblems(Class, error, code)).toEqual([]);
  });

  it("does not match another code's class", () => {
    expect(new TimeoutError('A.b', 1)).not.toBeInstanceOf(ConnectionError);
  });

  it('keeps every error class name in the build (ESM and CJS)', async () => {
    expect(await builtErrorNameProblems(new URL('../dist/', import.meta.url))).toEqual([]);
  });

  it("shares conn-pool's brand for PoolExhaustedError", () => {
    expect(new PoolPoolExhaustedError(1, 1)).toBeInstanceOf(PoolExhaustedError);
    expect(new PoolExhaustedError('h:1', 1, 1)).toBeInstanceOf(PoolPoolExhaustedError);
  });

  it('says what happened and what to do', () => {
    expect(new ConnectionError('h:1', true, 'reset').message).toMatch(
      /h:1 was lost after the request was written \(reset\).*mark the call idempotent/,
    );
    expect(new ConnectionError('h:1', false, 'ECONNREFUSED').message).toMatch(
      /Could not reach h:1 \(ECONNREFUSED\), so the call did not run; check that the server is running/,
    );
    expect(new ConnectionError('h:1', false, 'reset', { failure: 'lost' }).message).toMatch(
      /h:1 was lost before the request was written \(reset\), so the call did not run/,
    );
    expect(
      new ConnectionError('h:1', false, 'it answered -32002', { failure: 'shutdown' }).message,
    ).toMatch(
      /h:1 is shutting down and did not run the call \(it answered -32002\).*safe to call again/,
    );
    expect(new TimeoutError('A.b', 50).message).toMatch(/A\.b got no answer within 50 ms.*timeout/);
    expect(new PoolExhaustedError('h:1', 3, 50).message).toMatch(/within 50 ms.*never sent/);
  });

  it('re-exports the protocol RpcError', async () => {
    const protocol = await import('@rerpc/protocol');
    expect(RpcError).toBe(protocol.RpcError);
  });

  it('lists every code and class in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [Class, , code] of [...errors, ...reasons]) {
      expect(readme).toContain(`\`${code}\``);
      expect(readme).toContain(`\`${Class.name}\``);
    }
    expect(readme).toContain('`RpcError`');
    expect(readme).toContain('`RERPC_ERR_INVALID_OPTION`');
    expect(readme).toContain('-32002');
  });
});

describe('the reasons a handler is aborted with', () => {
  it('HandlerTimeoutError names the method and handlerTimeout, and says what the server got', () => {
    const error = new HandlerTimeoutError('A.b', 5);
    expect(error.message).toBe(
      'A.b did not finish within handlerTimeout (5 ms); the server got -32001 "Handler timed out". Stop the work when ctx.signal aborts, or raise handlerTimeout',
    );
    expect(error.timeout).toBe(5);
  });

  it('RequestCancelledError names the method and what the server was answered', () => {
    expect(new RequestCancelledError('A.b').message).toBe(
      'The server cancelled A.b; it was answered -32800 "Request cancelled". Stop the work',
    );
  });
});

describe('failureDetail() (the few words a ConnectionError message gives on what failed)', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
    code: 'ECONNREFUSED',
  });

  it("gives a system error's code, not its message", () => {
    expect(failureDetail(refused)).toBe('ECONNREFUSED');
  });

  it("gives a dial error's cause, or its own message when it has none", () => {
    expect(failureDetail(new DialError('h:1', { cause: refused }))).toBe('ECONNREFUSED');
    const bare = new DialError('h:1', { cause: undefined });
    expect(failureDetail(bare)).toBe(bare.message);
  });

  it('words a dial timeout, an answer past maxMessageBytes and malformed framing', () => {
    expect(failureDetail(new DialTimeoutError(30, 'h:1'))).toBe(
      'not connected within dialTimeout, 30 ms',
    );
    expect(failureDetail(new FrameTooLargeError(64, 100, true))).toBe(
      'an answer larger than maxMessageBytes, 64 bytes',
    );
    expect(failureDetail(new FramingError('no header', 'Content-Lenght: 5'))).toBe(
      'malformed Content-Length framing',
    );
  });

  it('gives the message of an error whose code is not a system error code', () => {
    // OpenSSL's codes (ERR_SSL_…) and other codes say less than their message.
    for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'XEPIPE', 'EPIPE2', 42]) {
      const error = Object.assign(new Error(`failed (${String(code)})`), { code });
      expect(failureDetail(error)).toBe(`failed (${String(code)})`);
    }
  });

  it('gives anything thrown that is not an Error as a string', () => {
    expect(failureDetail('lookup failed')).toBe('lookup failed');
    expect(failureDetail(undefined)).toBe('undefined');
  });
});

describe('expiryError() (what a call whose deadline passed fails with)', () => {
  const host: CallHost = { expire() {}, retry() {}, send() {}, unreachable() {} };
  const lastError = new Error('the last attempt failed');
  function callIn(state: number, last: Error | null): Call {
    const settings = new CallSettings();
    settings.timeout = 50;
    const call = new Call(host, SINGLE, 'A.b', '', 1, settings, 0, null);
    call.state = state;
    call.lastError = last;
    return call;
  }

  it('on a connection: TimeoutError, caused by the last failed attempt', () => {
    const error = expiryError(callIn(ON_CONNECTION, lastError), 'h:1', 3);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ method: 'A.b', timeout: 50, cause: lastError });
  });

  it('waiting for a connection: PoolExhaustedError, caused by the last failed attempt', () => {
    const error = expiryError(callIn(WAITING, lastError), 'h:1', 3);
    expect(error).toBeInstanceOf(PoolExhaustedError);
    expect(error).toMatchObject({ maxActive: 3, timeout: 50, cause: lastError });
    expect(error?.message).toContain('No connection to h:1 became usable within 50 ms');
  });

  it("backing off: the last attempt's error itself, or TimeoutError when there is none", () => {
    expect(expiryError(callIn(BACKOFF, lastError), 'h:1', 3)).toBe(lastError);
    const error = expiryError(callIn(BACKOFF, null), 'h:1', 3);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ method: 'A.b', timeout: 50 });
  });

  it('not started or settled: null', () => {
    expect(expiryError(callIn(NEW, lastError), 'h:1', 3)).toBeNull();
    expect(expiryError(callIn(DONE, lastError), 'h:1', 3)).toBeNull();
  });
});
