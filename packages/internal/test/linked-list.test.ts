import fc from 'fast-check';
import { expect, it, describe as suite } from 'vitest';
import { LinkedList, LinkedListOf, type ListNode } from '../src/index.js';

class Node implements ListNode<Node> {
  prev: Node | null = null;
  next: Node | null = null;
  /** A second pair of links (prev, next), for {@link OtherList}. */
  readonly other: [Node | null, Node | null] = [null, null];
  constructor(readonly id: number) {}
}

/** Links through `other`, so a node can be in a LinkedList and an OtherList at once. */
class OtherList extends LinkedListOf<Node> {
  protected prevOf(node: Node): Node | null {
    return node.other[0];
  }
  protected nextOf(node: Node): Node | null {
    return node.other[1];
  }
  protected setPrev(node: Node, prev: Node | null): void {
    node.other[0] = prev;
  }
  protected setNext(node: Node, next: Node | null): void {
    node.other[1] = next;
  }
}

function forward(list: LinkedList<Node>): number[] {
  const ids: number[] = [];
  for (let n = list.head; n !== null; n = n.next) ids.push(n.id);
  return ids;
}

function backward(list: LinkedList<Node>): number[] {
  const ids: number[] = [];
  for (let n = list.tail; n !== null; n = n.prev) ids.push(n.id);
  return ids;
}

suite('LinkedList', () => {
  it('is empty at first, keeps insertion order and takes the oldest first', () => {
    const list = new LinkedList<Node>();
    expect([list.head, list.tail, list.size, list.shift(), list.pop()]).toEqual([
      null,
      null,
      0,
      null,
      null,
    ]);
    const [a, b, c] = [new Node(1), new Node(2), new Node(3)];
    list.push(a);
    list.push(b);
    list.push(c);
    expect([forward(list), backward(list), list.size]).toEqual([[1, 2, 3], [3, 2, 1], 3]);
    expect(list.shift()).toBe(a);
    expect([a.prev, a.next]).toEqual([null, null]);
    expect(forward(list)).toEqual([2, 3]);
    expect(list.pop()).toBe(c);
    expect([c.prev, c.next, forward(list)]).toEqual([null, null, [2]]);
  });

  it('tells whether a node is in it: head, middle, tail, removed or never added', () => {
    const list = new LinkedList<Node>();
    const [a, b, c, d] = [1, 2, 3, 4].map((id) => new Node(id)) as [Node, Node, Node, Node];
    list.push(a);
    list.push(b);
    list.push(c);
    list.remove(b);
    expect([a, b, c, d].map((n) => list.has(n))).toEqual([true, false, true, false]);
  });

  it('keeps a node in two lists at once when a subclass names the second pair of links', () => {
    const list = new LinkedList<Node>();
    const other = new OtherList();
    const nodes = [1, 2, 3].map((id) => new Node(id));
    for (const n of nodes) list.push(n);
    for (const n of [...nodes].reverse()) other.push(n);
    other.remove(nodes[1]!);
    expect(forward(list)).toEqual([1, 2, 3]);
    const ids: number[] = [];
    for (let n = other.head; n !== null; n = n.other[1]) ids.push(n.id);
    expect([ids, other.size, other.has(nodes[1]!), list.has(nodes[1]!)]).toEqual([
      [3, 1],
      2,
      false,
      true,
    ]);
    expect([other.shift(), other.pop(), other.size]).toEqual([nodes[2], nodes[0], 0]);
    expect(backward(list)).toEqual([3, 2, 1]);
  });

  it('removes any node, head, middle or tail, and unlinks it', () => {
    const list = new LinkedList<Node>();
    const nodes = [1, 2, 3, 4].map((id) => new Node(id));
    for (const n of nodes) list.push(n);
    list.remove(nodes[1]!);
    list.remove(nodes[3]!);
    list.remove(nodes[0]!);
    expect([forward(list), backward(list), list.size]).toEqual([[3], [3], 1]);
    expect(nodes.map((n) => [n.prev, n.next])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
    ]);
    list.remove(nodes[2]!);
    expect([list.head, list.tail, list.size]).toEqual([null, null, 0]);
  });

  it('agrees with an array under any sequence of push, remove, shift and pop', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'push' as const, at: 0 }),
      fc.nat({ max: 20 }).map((at) => ({ kind: 'remove' as const, at })),
      fc.constant({ kind: 'shift' as const, at: 0 }),
      fc.constant({ kind: 'pop' as const, at: 0 }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const list = new LinkedList<Node>();
        const model: Node[] = [];
        let id = 0;
        for (const { kind, at } of ops) {
          if (kind === 'push') {
            const n = new Node(id++);
            list.push(n);
            model.push(n);
          } else if (kind === 'shift') {
            expect(list.shift()).toBe(model.shift() ?? null);
          } else if (kind === 'pop') {
            expect(list.pop()).toBe(model.pop() ?? null);
          } else if (model.length > 0) {
            const [n] = model.splice(at % model.length, 1);
            list.remove(n!);
            expect(list.has(n!)).toBe(false);
          }
          for (const n of model) expect(list.has(n)).toBe(true);
          expect(forward(list)).toEqual(model.map((n) => n.id));
          expect(backward(list)).toEqual(model.map((n) => n.id).reverse());
          expect(list.size).toBe(model.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
