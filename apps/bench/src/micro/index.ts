import { run as runClient } from './client.js';
import { run as runCodec } from './codec.js';
import { run as runConnPool } from './conn-pool.js';
import { run as runDiagnostics } from './diagnostics.js';
import { run as runObjectPool } from './object-pool.js';
import { run as runServer } from './server.js';
import { run as runServerMiddleware } from './server-middleware.js';
import { run as runWorkerPool } from './worker-pool.js';

// Each package's micro-benchmarks register here under a short name.
export const suites: Record<string, () => Promise<unknown>> = {};
suites['codec'] = runCodec;
suites['conn-pool'] = runConnPool;
suites['object-pool'] = runObjectPool;
suites['worker-pool'] = runWorkerPool;
suites['server'] = runServer;
suites['server-middleware'] = runServerMiddleware;
suites['client'] = runClient;
suites['diagnostics'] = runDiagnostics;
