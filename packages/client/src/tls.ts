import type { ConnectionOptions } from 'node:tls';
import { checkBoolean, checkOptions, describe, optionError } from '@rerpc/internal';

/**
 * TLS options for `https://`, `wss://` and `tls://` targets (and `{ host, port }` with `tls`), as
 * `tls.connect()` takes them: trust a private CA with `ca`, present a client certificate with
 * `cert` and `key`.
 */
export type ClientTlsOptions = Pick<
  ConnectionOptions,
  | 'ca'
  | 'cert'
  | 'key'
  | 'passphrase'
  | 'pfx'
  | 'rejectUnauthorized'
  | 'servername'
  | 'minVersion'
  | 'maxVersion'
  | 'ciphers'
  | 'checkServerIdentity'
>;

const TLS_KEYS: readonly string[] = [
  'ca',
  'cert',
  'key',
  'passphrase',
  'pfx',
  'rejectUnauthorized',
  'servername',
  'minVersion',
  'maxVersion',
  'ciphers',
  'checkServerIdentity',
];

/** Validates the `tls` option (null when not given); returns a frozen copy. */
export function checkTls(value: unknown): Readonly<ClientTlsOptions> | null {
  if (value === undefined || value === null) return null;
  const tls = checkOptions(value as object, TLS_KEYS, 'tls');
  const t = tls as Record<string, unknown>;
  if (t['rejectUnauthorized'] !== undefined) {
    checkBoolean('tls.rejectUnauthorized', t['rejectUnauthorized']);
  }
  if (
    t['servername'] !== undefined &&
    (typeof t['servername'] !== 'string' || t['servername'] === '')
  ) {
    throw optionError(
      `tls.servername must be a non-empty string, got ${describe(t['servername'])}`,
    );
  }
  return Object.freeze({ ...(tls as ClientTlsOptions) });
}
