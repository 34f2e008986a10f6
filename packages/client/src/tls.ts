import { isIP, type Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { DialError } from '@rerpc/conn-pool';
import { checkBoolean, checkOptions, describe, optionError } from '@rerpc/internal';
import { guardDial } from './dial-guard.js';

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

/**
 * Starts TLS on a connected TCP socket (a `tls://` target): resolves with the TLS socket once
 * the handshake is done and the server's certificate verified for `host`. Rejects with
 * conn-pool's `DialError` (`cause`: the TLS error, e.g. a self-signed certificate),
 * `DialTimeoutError` past `timeout` ms (0: none), or `signal.reason`; the socket is destroyed
 * then.
 */
export function secure(
  socket: Socket,
  host: string,
  options: Readonly<ClientTlsOptions>,
  address: string,
  timeout: number,
  signal: AbortSignal,
): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    // SNI takes a name, never an IP address (Node warns); the identity check reads `host`.
    const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
    const tls = tlsConnect({ ...options, socket, host, servername });
    const settle = (error: Error | null): void => {
      unguard();
      tls.off('secureConnect', onSecure);
      tls.off('error', onError);
      if (error === null) {
        resolve(tls);
      } else {
        tls.destroy();
        socket.destroy();
        reject(error);
      }
    };
    const onSecure = (): void => settle(null);
    const onError = (error: Error): void => settle(new DialError(address, { cause: error }));
    tls.on('secureConnect', onSecure);
    tls.on('error', onError);
    const unguard = guardDial(address, timeout, signal, settle);
  });
}
