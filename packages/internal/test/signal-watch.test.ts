import { getEventListeners } from 'node:events';
import { expect, it, describe as suite } from 'vitest';
import { type SignalWatch, SignalWatches, type WatchNode } from '../src/index.js';

class Node implements WatchNode<Node> {
  watch: SignalWatch<Node> | null = null;
  watchPrev: Node | null = null;
  watchNext: Node | null = null;
  constructor(readonly id: number) {}
}

suite('SignalWatches', () => {
  it('keeps one listener per distinct signal however many nodes wait on it', () => {
    const watches = new SignalWatches<Node>(() => {});
    const a = new AbortController();
    const b = new AbortController();
    const nodes = Array.from({ length: 50 }, (_, i) => new Node(i));
    for (const node of nodes) watches.add(node, node.id % 2 === 0 ? a.signal : b.signal);
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(1);
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(1);
    for (const node of nodes) watches.remove(node);
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(0);
  });

  it('removes from the middle, ends and twice without breaking the list', () => {
    const aborted: number[] = [];
    const watches = new SignalWatches<Node>((node) => aborted.push(node.id));
    const c = new AbortController();
    const nodes = Array.from({ length: 5 }, (_, i) => new Node(i));
    for (const node of nodes) watches.add(node, c.signal);
    watches.remove(nodes[2]!);
    watches.remove(nodes[0]!);
    watches.remove(nodes[4]!);
    watches.remove(nodes[4]!);
    c.abort();
    expect(aborted).toEqual([1, 3]);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
  });

  it('on abort unlinks each node, oldest first, then calls onAbort; onAbort may remove others', () => {
    const c = new AbortController();
    const nodes = Array.from({ length: 4 }, (_, i) => new Node(i));
    const seen: number[] = [];
    const watches = new SignalWatches<Node>((node) => {
      expect(node.watch).toBe(null);
      seen.push(node.id);
      if (node.id === 0) watches.remove(nodes[2]!); // settles another node of the same signal
    });
    for (const node of nodes) watches.add(node, c.signal);
    c.abort();
    expect(seen).toEqual([0, 1, 3]);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
  });

  it('a signal reused after its nodes left gets its listener back', () => {
    const seen: number[] = [];
    const watches = new SignalWatches<Node>((node) => seen.push(node.id));
    const c = new AbortController();
    const first = new Node(1);
    watches.add(first, c.signal);
    watches.remove(first);
    const second = new Node(2);
    watches.add(second, c.signal);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(1);
    c.abort();
    expect(seen).toEqual([2]);
  });
});
