import { readFileSync } from 'node:fs';
import { PoolExhaustedError as PoolPoolExhaustedError } from '@rerpc/conn-pool';
import { builtErrorNameProblems, errorClassProblems } from '@rerpc/internal/testing';
import { describe, expect, it } from 'vitest';
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
