/** A JSON-shaped stats tree: numbers at the leaves, objects (maps of counters) inside. */
export type StatsTree = { [key: string]: unknown };

/**
 * Quantile fields of a latency summary (`{ count, p50, p90, p99, max }`): they cannot be summed,
 * and without the histograms they cannot be merged exactly. The merged q-quantile is at most the
 * largest worker's q-quantile (every worker has a q share of its calls at or below its own), so
 * that is what the total reports: an upper bound, like the server's own quantiles.
 */
const UPPER_BOUND_KEYS: ReadonlySet<string> = new Set(['p50', 'p90', 'p99', 'p999', 'max']);

/**
 * Adds up the workers' `server.stats()`: counters are summed key by key (the `errors` map too,
 * codes in any worker), latency `count` summed, its quantiles and `max` the largest. Anything
 * that is neither a number nor an object (a string, an array) is taken from the first worker
 * that has it.
 */
export function aggregateStats(list: readonly unknown[]): StatsTree {
  const total: StatsTree = {};
  for (const stats of list) {
    if (typeof stats === 'object' && stats !== null) merge(total, stats as StatsTree);
  }
  return total;
}

function merge(into: StatsTree, from: StatsTree): void {
  for (const key of Object.keys(from)) {
    const value = from[key];
    const have = into[key];
    if (typeof value === 'number') {
      if (typeof have !== 'number') into[key] = value;
      else into[key] = UPPER_BOUND_KEYS.has(key) ? Math.max(have, value) : have + value;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const child =
        typeof have === 'object' && have !== null && !Array.isArray(have)
          ? (have as StatsTree)
          : {};
      into[key] = child;
      merge(child, value as StatsTree);
    } else if (have === undefined) {
      into[key] = value;
    }
  }
}
