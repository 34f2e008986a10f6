// The attribute and metric names are written out in src/semconv.ts; here they are held to the
// semantic-conventions package at the pinned version.

import { readFileSync } from 'node:fs';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import * as ours from '../src/semconv.js';

const semconvPackage = JSON.parse(
  readFileSync(
    new URL('../node_modules/@opentelemetry/semantic-conventions/package.json', import.meta.url),
    'utf8',
  ),
) as { version: string };

describe('semantic conventions', () => {
  it('pins @opentelemetry/semantic-conventions at SEMCONV_VERSION', () => {
    expect(semconvPackage.version).toBe(ours.SEMCONV_VERSION);
  });

  it('uses the names that version exports', () => {
    expect([
      ours.ATTR_RPC_SYSTEM_NAME,
      ours.RPC_SYSTEM_NAME_VALUE_JSONRPC,
      ours.ATTR_RPC_METHOD,
      ours.ATTR_RPC_METHOD_ORIGINAL,
      ours.ATTR_RPC_STATUS_CODE,
      ours.ATTR_ERROR_TYPE,
      ours.ATTR_JSONRPC_PROTOCOL_VERSION,
      ours.ATTR_JSONRPC_REQUEST_ID,
      ours.ATTR_SERVER_ADDRESS,
      ours.ATTR_NETWORK_PEER_ADDRESS,
      ours.METRIC_RPC_SERVER_CALL_DURATION,
      ours.METRIC_RPC_CLIENT_CALL_DURATION,
    ]).toEqual([
      incubating.ATTR_RPC_SYSTEM_NAME,
      incubating.RPC_SYSTEM_NAME_VALUE_JSONRPC,
      incubating.ATTR_RPC_METHOD,
      incubating.ATTR_RPC_METHOD_ORIGINAL,
      incubating.ATTR_RPC_STATUS_CODE,
      incubating.ATTR_ERROR_TYPE,
      incubating.ATTR_JSONRPC_PROTOCOL_VERSION,
      incubating.ATTR_JSONRPC_REQUEST_ID,
      incubating.ATTR_SERVER_ADDRESS,
      incubating.ATTR_NETWORK_PEER_ADDRESS,
      incubating.METRIC_RPC_SERVER_CALL_DURATION,
      incubating.METRIC_RPC_CLIENT_CALL_DURATION,
    ]);
  });
});
