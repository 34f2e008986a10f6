import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  DisconnectedError,
  HandlerTimeoutError,
  ListenError,
  PeerTimeoutError,
  RegistrationError,
  RequestCancelledError,
  RpcError,
  ServerClosedError,
  ServerErrorCode,
  SubscriptionClosedError,
  SubscriptionOverflowError,
  TooManyPeerCallsError,
} from '../src/index.js';

const cause = new Error('underlying');
const errors = [
  [ServerClosedError, new ServerClosedError(undefined, { cause }), 'RERPC_ERR_SERVER_CLOSED'],
  [
    ListenError,
    new ListenError('Could not listen on x; pick another port', { cause }),
    'RERPC_ERR_LISTEN',
  ],
  [HandlerTimeoutError, new HandlerTimeoutError('m', 10, { cause }), 'RERPC_ERR_HANDLER_TIMEOUT'],
  [DisconnectedError, new DisconnectedError(undefined, { cause }), 'RERPC_ERR_DISCONNECTED'],
  [AbortError, new AbortError(cause), 'RERPC_ERR_ABORTED'],
] as const;

describe('peer and cancellation errors', () => {
  it.each([
    [PeerTimeoutError, new PeerTimeoutError('m', 5), 'RERPC_ERR_PEER_TIMEOUT'],
    [TooManyPeerCallsError, new TooManyPeerCallsError(3), 'RERPC_ERR_TOO_MANY_PEER_CALLS'],
    [RequestCancelledError, new RequestCancelledError('m'), 'RERPC_ERR_REQUEST_CANCELLED'],
    [SubscriptionClosedError, new SubscriptionClosedError(), 'RERPC_ERR_SUBSCRIPTION_CLOSED'],
    [SubscriptionOverflowError, new SubscriptionOverflowError(), 'RERPC_ERR_SUBSCRIPTION_OVERFLOW'],
  ] as const)('%o has its class name and a stable code', (Class, error, code) => {
    expect(error).toBeInstanceOf(Class);
    expect(error.name).toBe(Class.name);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(20);
  });
});

describe('errors', () => {
  it.each(errors)('%o has its class name, a stable code and the cause', (Class, error, code) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(Class);
    expect(error.name).toBe(Class.name);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
    expect(error.message.length).toBeGreaterThan(20);
    expect(String(error.stack)).toContain(`${Class.name}: `);
  });

  it('recognises an error from another installed copy by its brand, and nothing else', () => {
    for (const [Class, , code] of errors) {
      const foreign = Object.create(Error.prototype, {
        [Symbol.for(`rerpc.error.${code}`)]: { value: true },
      });
      expect(foreign).toBeInstanceOf(Class);
      expect(new Error('plain')).not.toBeInstanceOf(Class);
      expect(null).not.toBeInstanceOf(Class);
    }
    expect(new ServerClosedError()).not.toBeInstanceOf(DisconnectedError);
  });

  it('says what to do in each message', () => {
    expect(new ServerClosedError().message).toMatch(/create a new server/);
    expect(new HandlerTimeoutError('Svc.m', 250).message).toMatch(
      /Svc\.m did not finish within handlerTimeout \(250 ms\).*ctx\.signal/,
    );
    expect(new HandlerTimeoutError('Svc.m', 250).timeout).toBe(250);
    expect(new DisconnectedError().message).toMatch(/stop the work/);
    expect(new AbortError('gone').message).toMatch(/^handle\(\) was abandoned/);
  });

  it('uses server error codes in the implementation-defined range', () => {
    for (const code of Object.values(ServerErrorCode)) {
      expect(code).toBeGreaterThanOrEqual(-32099);
      expect(code).toBeLessThanOrEqual(-32000);
    }
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('documents every error class and code', () => {
    const all = [
      ...errors.map(([Class, error]) => [Class.name, error.code]),
      ['RegistrationError', new RegistrationError('x').code],
      ['RpcError', 'RpcError'],
      ['PeerTimeoutError', 'RERPC_ERR_PEER_TIMEOUT'],
      ['TooManyPeerCallsError', 'RERPC_ERR_TOO_MANY_PEER_CALLS'],
      ['RequestCancelledError', 'RERPC_ERR_REQUEST_CANCELLED'],
      ['SubscriptionClosedError', 'RERPC_ERR_SUBSCRIPTION_CLOSED'],
      ['SubscriptionOverflowError', 'RERPC_ERR_SUBSCRIPTION_OVERFLOW'],
    ];
    for (const [name, code] of all) {
      expect(readme).toContain(`\`${name}\``);
      expect(readme).toContain(`\`${code}\``);
    }
  });

  it('documents every JSON-RPC error code the server sends', () => {
    for (const code of [
      -32700,
      -32600,
      -32601,
      -32602,
      -32603,
      ...Object.values(ServerErrorCode),
    ]) {
      expect(readme).toContain(`\`${code}\``);
    }
    expect(new RpcError(-32001).message).toBe('Server error');
  });
});
