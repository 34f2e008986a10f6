export {
  type BufferPool,
  type BufferPoolStats,
  createBufferPool,
} from './buffer-pool.js';
export { DoubleReleaseError, ForeignObjectError } from './errors.js';
export {
  createObjectPool,
  type ObjectPool,
  type ObjectPoolStats,
} from './object-pool.js';
export {
  BUFFER_DEFAULTS,
  type BufferPoolOptions,
  DEFAULTS,
  type ObjectPoolOptions,
} from './options.js';
