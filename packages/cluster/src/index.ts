export { type Balancing, selectBalancing } from './balancing.js';
export {
  type Cluster,
  type ClusterStats,
  runCluster,
  type WorkerState,
  type WorkerStats,
} from './cluster.js';
export { ClusterClosedError, WorkerStartError } from './errors.js';
export type { ClusterEvent, WorkerInfo } from './events.js';
export { type ClusterOptions, DEFAULTS, type ResolvedClusterOptions } from './options.js';
export { aggregateStats, type StatsTree } from './stats.js';
