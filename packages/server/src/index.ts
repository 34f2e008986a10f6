export type { ErrorObject, Id } from '@rerpc/protocol';
export { ErrorCode, RpcError } from '@rerpc/protocol';
export type {
  JsonSchema,
  MethodOptions,
  OpenRpcDocument,
  OpenRpcInfo,
  RegisterOptions,
} from '@rerpc/registry';
export { RegistrationError } from '@rerpc/registry';
export type { ConnectionListener } from './admission.js';
export type { CallContext } from './call.js';
export type { CancelNotification, ResolvedCancelMethod } from './cancel.js';
export type { HandleOptions } from './core.js';
export type {
  ServerCallTrace,
  ServerConnectionMessage,
  ServerRequestMessage,
  ServerResponseMessage,
} from './diagnostics.js';
export type { DiscoverOptions } from './discover.js';
export {
  AbortError,
  DisconnectedError,
  HandlerTimeoutError,
  ListenError,
  PeerTimeoutError,
  RequestCancelledError,
  ServerClosedError,
  TooManyPeerCallsError,
} from './errors.js';
export type { ListenOptions, Transport } from './listen-options.js';
export type { Middleware } from './middleware.js';
export { DEFAULTS, type ResolvedServerOptions, type ServerOptions } from './options.js';
export type { Peer, PeerTransport } from './peer.js';
export type { PeerCallOptions } from './peer-calls.js';
export {
  type CloseOptions,
  createServer,
  type HttpHandler,
  type Server,
  type ServerAddress,
  type ServerStats,
  type UpgradeHandler,
} from './server.js';
export type { CoreStats } from './stats.js';
export type { ServeOptions, ServeStream } from './stream.js';
export type { SubscriptionHandler, SubscriptionOptions } from './subscribe.js';
export {
  SubscriptionClosedError,
  SubscriptionOverflowError,
  type SubscriptionSink,
} from './subscription.js';
export type { Channel, ChannelTransport } from './transport.js';
export { type ResolvedWebOptions, WEB_DEFAULTS, type WebOptions } from './web-options.js';
export { ServerErrorCode } from './wire.js';
