export { RpcError } from '@rerpc/protocol';
export type { Client, CloseOptions } from './api.js';
export type { BatchItem, BatchResult } from './batch.js';
export { createClient } from './create-client.js';
export type {
  ClientCallKind,
  ClientCallTrace,
  ClientConnectionMessage,
  ClientEndpointMessage,
} from './diagnostics.js';
export type { DnsOptions } from './dns.js';
export { dns } from './dns.js';
export type { Endpoint, EndpointsTarget, PickPolicy, Resolver } from './endpoints.js';
export { ENDPOINTS_DEFAULTS } from './endpoints.js';
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
export type { ClientOptions, HandlerErrorListener } from './options.js';
export { DEFAULTS } from './options.js';
export type { CallOptions, ProxyMethod, ServiceMethodNames, ServiceProxy } from './proxy.js';
export type { ClientStats, EndpointStats } from './stats.js';
export type { SubscribeOptions } from './subscription.js';
export { SubscriptionLostError, SubscriptionOverflowError } from './subscription-errors.js';
export type { ClientTarget } from './target.js';
export type { ClientTlsOptions } from './tls.js';
