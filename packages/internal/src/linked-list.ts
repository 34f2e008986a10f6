/**
 * A record that one {@link LinkedList} links through its own `prev` and `next` (only the list
 * writes them; a record in two lists at once names its second pair of fields through a
 * {@link LinkedListOf} subclass).
 */
export interface ListNode<N> {
  prev: N | null;
  next: N | null;
}

/**
 * An intrusive doubly linked list in insertion order: append, unlink any node, take the oldest,
 * all O(1) and allocation-free, since the links are the records' own fields. The one copy of the
 * list every package kept for its pending calls, queued tasks and waiters.
 *
 * A subclass names the link fields through the four accessors, so one record can sit in two lists
 * at once (a server call: its channel's list and the deadline list) with no node object per
 * membership. The accessors cost nothing measurable: V8 inlines them (apps/bench micro server,
 * async dispatch case), where a list that took the field names as strings (`node[key]`) went
 * megamorphic and was 20x slower per call.
 */
export abstract class LinkedListOf<N> {
  private first: N | null = null;
  private last: N | null = null;
  private count = 0;

  protected abstract prevOf(node: N): N | null;
  protected abstract nextOf(node: N): N | null;
  protected abstract setPrev(node: N, prev: N | null): void;
  protected abstract setNext(node: N, next: N | null): void;

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

  /** Whether `node` is in this list (its links belong to this list alone). */
  has(node: N): boolean {
    return this.prevOf(node) !== null || this.first === node;
  }

  /** Appends `node`, which must not be in a list. */
  push(node: N): void {
    this.setPrev(node, this.last);
    this.setNext(node, null);
    if (this.last === null) this.first = node;
    else this.setNext(this.last, node);
    this.last = node;
    this.count++;
  }

  /** Unlinks `node`, which must be in this list. */
  remove(node: N): void {
    const prev = this.prevOf(node);
    const next = this.nextOf(node);
    if (prev === null) this.first = next;
    else this.setNext(prev, next);
    if (next === null) this.last = prev;
    else this.setPrev(next, prev);
    this.setPrev(node, null);
    this.setNext(node, null);
    this.count--;
  }

  /** Takes the oldest node out, or returns null when empty. */
  shift(): N | null {
    const node = this.first;
    if (node !== null) this.remove(node);
    return node;
  }

  /** Takes the newest node out, or returns null when empty. */
  pop(): N | null {
    const node = this.last;
    if (node !== null) this.remove(node);
    return node;
  }
}

/** A {@link LinkedListOf} linked through the nodes' `prev` and `next`. */
export class LinkedList<N extends ListNode<N>> extends LinkedListOf<N> {
  protected prevOf(node: N): N | null {
    return node.prev;
  }

  protected nextOf(node: N): N | null {
    return node.next;
  }

  protected setPrev(node: N, prev: N | null): void {
    node.prev = prev;
  }

  protected setNext(node: N, next: N | null): void {
    node.next = next;
  }
}
