import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, invalidMessage, messageKind } from '../src/index.js';

/** Message-like objects: every member present or not, each well-typed or not. */
const member = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 4 }),
  fc.constant('2.0'),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);
const messageLike = fc
  .record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), member),
      method: fc.oneof(fc.string({ maxLength: 6 }), member),
      params: member,
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), member),
      result: member,
      error: fc.oneof(
        fc.record({ code: fc.oneof(fc.integer(), member), message: member }, { requiredKeys: [] }),
        member,
      ),
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.parse(JSON.stringify(o)) as unknown);
const anyValue = fc.oneof(messageLike, member);

describe('messageKind', () => {
  it('gives the kind classify() gives, for any single value', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        if (Array.isArray(value)) return;
        expect(messageKind(value)).toBe(classify(value).kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('settles the usual request, notification and response', () => {
    expect(messageKind({ jsonrpc: '2.0', method: 'm', params: [1], id: 1 })).toBe('request');
    expect(messageKind({ jsonrpc: '2.0', method: 'm', id: null })).toBe('request');
    expect(messageKind({ jsonrpc: '2.0', method: 'm', params: {} })).toBe('notification');
    expect(messageKind({ jsonrpc: '2.0', result: 1, id: 1 })).toBe('response');
    expect(messageKind({ jsonrpc: '2.0', method: 'm', params: 1, id: 1 })).toBe('invalid');
    expect(messageKind({ jsonrpc: '2.0', method: 'm', id: Number.NaN })).toBe('invalid');
  });

  it('calls an array invalid: a batch is split by the caller, and may not nest', () => {
    expect(messageKind([])).toBe('invalid');
    expect(messageKind([{ jsonrpc: '2.0', method: 'm', id: 1 }])).toBe('invalid');
  });

  it('reads own properties only', () => {
    const inherited = Object.create({ jsonrpc: '2.0', method: 'm' }) as object;
    expect(messageKind(Object.assign(inherited, { id: 1 }))).toBe('invalid');
    expect(messageKind(JSON.parse('{"jsonrpc":"2.0","method":"m","__proto__":{"id":1}}'))).toBe(
      'notification',
    );
  });
});

describe('invalidMessage', () => {
  it('gives the error classify() gives, alone and as a batch member; null for a valid one', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const alone = classify(value);
        if (alone.kind === 'invalid') expect(invalidMessage(value, false)).toEqual(alone);
        else if (alone.kind !== 'batch') expect(invalidMessage(value, false)).toBeNull();
        const inBatch = classify([value]);
        if (inBatch.kind !== 'batch') throw new Error('a one-member array is a batch');
        const member = inBatch.items[0]!;
        if (member.kind === 'invalid') expect(invalidMessage(value, true)).toEqual(member);
        else expect(invalidMessage(value, true)).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('words the error for an empty batch, a non-object message and a non-object member', () => {
    expect(invalidMessage([], false)?.error.data).toBe('a batch must not be empty');
    expect(invalidMessage([1], false)).toBeNull();
    expect(invalidMessage(1, false)?.error.data).toBe('a message must be an object or an array');
    expect(invalidMessage([1], true)?.error.data).toBe('a batch member must be an object');
  });
});
