export {
  createInstrumentation,
  type Instrumentation,
  type TraceMiddleware,
} from './instrumentation.js';
export {
  DEFAULTS,
  type InstrumentationOptions,
  type ResolvedInstrumentationOptions,
} from './options.js';
export { DURATION_BUCKETS, SEMCONV_VERSION } from './semconv.js';
export { DISCONNECTED } from './server.js';
