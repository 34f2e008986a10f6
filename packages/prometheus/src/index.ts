export { OK, OTHER_METHOD } from './call-metrics.js';
export type { WatchedClient } from './endpoints.js';
export { clusterMetricsHandler, type MetricsHandler, metricsHandler } from './handler.js';
export { createMetrics, type Metrics } from './metrics.js';
export {
  DEFAULT_BUCKETS,
  DEFAULTS,
  type MetricsOptions,
  type ResolvedMetricsOptions,
} from './options.js';
export { DISCONNECTED } from './server.js';
