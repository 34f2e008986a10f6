import fc from 'fast-check';
import { expect, it, describe as suite } from 'vitest';
import { LinkedList, type ListNode } from '../src/index.js';

class Node implements ListNode<Node> {
  prev: Node | null = null;
  next: Node | null = null;
  constructor(readonly id: number) {}
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
    expect([list.head, list.tail, list.size, list.shift()]).toEqual([null, null, 0, null]);
    const [a, b, c] = [new Node(1), new Node(2), new Node(3)];
    list.push(a);
    list.push(b);
    list.push(c);
    expect([forward(list), backward(list), list.size]).toEqual([[1, 2, 3], [3, 2, 1], 3]);
    expect(list.shift()).toBe(a);
    expect([a.prev, a.next]).toEqual([null, null]);
    expect(forward(list)).toEqual([2, 3]);
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

  it('agrees with an array under any sequence of push, remove and shift', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'push' as const, at: 0 }),
      fc.nat({ max: 20 }).map((at) => ({ kind: 'remove' as const, at })),
      fc.constant({ kind: 'shift' as const, at: 0 }),
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
          } else if (model.length > 0) {
            const [n] = model.splice(at % model.length, 1);
            list.remove(n!);
          }
          expect(forward(list)).toEqual(model.map((n) => n.id));
          expect(backward(list)).toEqual(model.map((n) => n.id).reverse());
          expect(list.size).toBe(model.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
