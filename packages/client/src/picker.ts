// Which endpoint a call goes to: a decision over the endpoints' loads, made here and acted on by
// the balancer (balancer.ts). grpc-js's round_robin and pick_first, and the power of two choices
// (Mitzenmacher; Envoy's LEAST_REQUEST with choice_count 2): two random candidates, the one with
// fewer calls in flight wins, which avoids herding on the one least-loaded endpoint.
import type { PickPolicy } from './endpoints.js';

/** What the picker reads of an endpoint. */
export interface Pickable {
  /** Calls in flight on it. */
  readonly inFlight: number;
}

/** A picker: chooses among `candidates` (never empty), returning an index. */
export interface Picker {
  pick(candidates: readonly Pickable[]): number;
}

/** Power of two choices; a tie goes to the first drawn. `random`: a value in [0, 1). */
export class P2cPicker implements Picker {
  constructor(private readonly random: () => number = Math.random) {}

  pick(candidates: readonly Pickable[]): number {
    const n = candidates.length;
    if (n === 1) return 0;
    const a = Math.floor(this.random() * n);
    let b = Math.floor(this.random() * (n - 1));
    if (b >= a) b += 1;
    return candidates[b]!.inFlight < candidates[a]!.inFlight ? b : a;
  }
}

/** Each candidate in turn. */
export class RoundRobinPicker implements Picker {
  private next = 0;

  pick(candidates: readonly Pickable[]): number {
    const i = this.next % candidates.length;
    this.next = i + 1;
    return i;
  }
}

/** The first candidate (the healthy endpoints are in the order given). */
export class FirstPicker implements Picker {
  pick(_candidates: readonly Pickable[]): number {
    return 0;
  }
}

/** The picker for `policy`. */
export function createPicker(policy: PickPolicy, random?: () => number): Picker {
  if (policy === 'round-robin') return new RoundRobinPicker();
  if (policy === 'first') return new FirstPicker();
  return new P2cPicker(random);
}
