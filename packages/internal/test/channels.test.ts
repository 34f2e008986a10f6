import { channel, hasSubscribers } from 'node:diagnostics_channel';
import { expect, it } from 'vitest';
import { subscribeAll } from '../src/index.js';

it('subscribeAll() subscribes each function to its channel and returns what unsubscribes all', () => {
  const seen: unknown[] = [];
  const stop = subscribeAll({
    'rerpc:test:a': (message) => seen.push(['a', message]),
    'rerpc:test:b': (message) => seen.push(['b', message]),
  });
  channel('rerpc:test:a').publish(1);
  channel('rerpc:test:b').publish(2);
  expect(seen).toEqual([
    ['a', 1],
    ['b', 2],
  ]);
  stop();
  expect([hasSubscribers('rerpc:test:a'), hasSubscribers('rerpc:test:b')]).toEqual([false, false]);
  channel('rerpc:test:a').publish(3);
  expect(seen).toHaveLength(2);
});
