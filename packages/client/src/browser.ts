// The browser entry, `@rerpc/client/browser`: the same client on `fetch` and the platform's
// `WebSocket`, with no Node built-in anywhere in its module graph (test/browser-bundle.test.ts).
export { RpcError } from '@rerpc/protocol';
export type { BrowserClient, BrowserClient as Client, CloseOptions } from './api.js';
export type { BatchItem, BatchResult } from './batch.js';
export { createClient, DEFAULTS } from './browser-client.js';
export type { ConnectionFailure } from './errors.js';
export {
  AbortError,
  ClientClosedError,
  ConnectionError,
  HttpStatusError,
  PoolExhaustedError,
  TimeoutError,
} from './errors.js';
export {
  DisconnectedError,
  HandlerTimeoutError,
  RequestCancelledError,
} from './handler-errors.js';
export type { HandlerContext, InboundId } from './inbound-call.js';
export type { LinkInfo } from './link.js';
export type { BrowserClientOptions, HandlerErrorListener } from './options.js';
export type { CallOptions, ProxyMethod, ServiceMethodNames, ServiceProxy } from './proxy.js';
export type { ClientStats } from './stats.js';
export type { SubscribeOptions } from './subscription.js';
export { SubscriptionLostError, SubscriptionOverflowError } from './subscription-errors.js';
