import { isIP, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { DialError } from '@rerpc/conn-pool';
import { guardDial } from './dial-guard.js';
import type { ClientTlsOptions } from './tls.js';

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
      // Stryker disable next-line StringLiteral: 'secureConnect' fires once; after a failure a late one finds the promise settled
      tls.off('secureConnect', onSecure);
      // Stryker disable next-line StringLiteral: a later error also reaches the Connection's own listener, which loses the link; destroying twice does nothing
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
