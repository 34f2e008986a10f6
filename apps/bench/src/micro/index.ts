import { run as runCodec } from './codec.js';
import { run as runConnPool } from './conn-pool.js';

// Each package's micro-benchmarks register here under a short name.
export const suites: Record<string, () => Promise<unknown>> = {};
suites['codec'] = runCodec;
suites['conn-pool'] = runConnPool;
