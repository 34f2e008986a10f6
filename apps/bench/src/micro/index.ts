import { run as runCodec } from './codec.js';
import { run as runConnPool } from './conn-pool.js';
import { run as runWorkerPool } from './worker-pool.js';

// Each package's micro-benchmarks register here under a short name.
export const suites: Record<string, () => Promise<unknown>> = {};
suites['codec'] = runCodec;
suites['worker-pool'] = runWorkerPool;
suites['conn-pool'] = runConnPool;
