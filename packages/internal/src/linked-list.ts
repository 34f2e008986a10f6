/**
 * A record that one {@link LinkedList} links through its own `prev` and `next` (only the list
 * writes them; a record in two lists at once needs its own fields for the second, as
 * {@link WatchNode} has).
 */
export interface ListNode<N> {
  prev: N | null;
  next: N | null;
}

/**
 * An intrusive doubly linked list in insertion order: append, unlink any node, take the oldest,
 * all O(1) and allocation-free, since the links are the records' own fields. The one copy of the
 * list every package kept for its pending calls, queued tasks and waiters.
 */
export class LinkedList<N extends ListNode<N>> {
  private first: N | null = null;
  private last: N | null = null;
  private count = 0;

  /** The oldest node, or null when empty; walk on through `next`. */
  get head(): N | null {
    return this.first;
  }

  /** The newest node, or null when empty; walk back through `prev`. */
  get tail(): N | null {
    return this.last;
  }

  /** Nodes in the list. */
  get size(): number {
    return this.count;
  }

  /** Appends `node`, which must not be in a list. */
  push(node: N): void {
    node.prev = this.last;
    node.next = null;
    if (this.last === null) this.first = node;
    else this.last.next = node;
    this.last = node;
    this.count++;
  }

  /** Unlinks `node`, which must be in this list. */
  remove(node: N): void {
    if (node.prev === null) this.first = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.last = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    this.count--;
  }

  /** Takes the oldest node out, or returns null when empty. */
  shift(): N | null {
    const node = this.first;
    if (node !== null) this.remove(node);
    return node;
  }
}
