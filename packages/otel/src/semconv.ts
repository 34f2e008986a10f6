// The OpenTelemetry semantic conventions this package follows, pinned at v1.45.0 (the names
// @opentelemetry/semantic-conventions 1.45.0 exports; test/semconv.test.ts holds them to it).
// Written out rather than imported: a few strings are not worth a dependency.

/** The semantic conventions version the attributes and metrics follow. */
export const SEMCONV_VERSION = '1.45.0';

export const ATTR_RPC_SYSTEM_NAME = 'rpc.system.name';
export const RPC_SYSTEM_NAME_VALUE_JSONRPC = 'jsonrpc';
export const ATTR_RPC_METHOD = 'rpc.method';
export const ATTR_RPC_METHOD_ORIGINAL = 'rpc.method_original';
export const ATTR_RPC_STATUS_CODE = 'rpc.status_code';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_JSONRPC_PROTOCOL_VERSION = 'jsonrpc.protocol.version';
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_NETWORK_PEER_ADDRESS = 'network.peer.address';
export const ATTR_NETWORK_TRANSPORT = 'network.transport';

export const METRIC_RPC_SERVER_CALL_DURATION = 'rpc.server.call.duration';
export const METRIC_RPC_CLIENT_CALL_DURATION = 'rpc.client.call.duration';

/** `rpc.method` of a method the server does not have (the spec's value for unrecognized ones). */
export const OTHER_METHOD = '_OTHER';

/** The spec's explicit bucket boundaries for both duration histograms, in seconds. */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);
