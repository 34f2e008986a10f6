import { channel, hasSubscribers, tracingChannel } from 'node:diagnostics_channel';
import { expect, it } from 'vitest';
import { nextMessage, recordChannel, recordTracing } from '../src/testing.js';

it('recordChannel() keeps every message published while the test runs', () => {
  const seen = recordChannel<number>('rerpc:test:record');
  channel('rerpc:test:record').publish(1);
  channel('rerpc:test:record').publish(2);
  expect(seen).toEqual([1, 2]);
});

it('recordTracing() keeps each event with a copy of the context at that moment', () => {
  const seen = recordTracing<{ n: number }>('rerpc:test:trace');
  const context = { n: 1 };
  tracingChannel('rerpc:test:trace').traceSync(() => {
    context.n = 2;
  }, context);
  expect(seen).toEqual([
    ['start', { n: 1 }],
    ['end', { n: 2 }],
  ]);
});

it('unsubscribes both when their test ended', () => {
  expect(hasSubscribers('rerpc:test:record')).toBe(false);
  expect(tracingChannel('rerpc:test:trace').hasSubscribers).toBe(false);
});

it('nextMessage() resolves with the next message it accepts, then unsubscribes', async () => {
  const next = nextMessage<number>('rerpc:test:next', (n) => n > 1);
  channel('rerpc:test:next').publish(1);
  channel('rerpc:test:next').publish(2);
  expect(await next).toBe(2);
  expect(hasSubscribers('rerpc:test:next')).toBe(false);
});
