import { DialError, type SharedPool } from '@rerpc/conn-pool';
import { Connection } from './connection.js';
import type { LinkHost, LinkInfo } from './link.js';
import { linkPool } from './link-pool.js';
import type { ResolvedClientOptions } from './options.js';
import type { StreamPair } from './target.js';

const INFO: LinkInfo = Object.freeze({ transport: 'stream', address: 'stream' });

/**
 * The one link of a stream target (`{ stream }`, `{ readable, writable }`): made on the first
 * call, kept however long it idles, never made again once lost (the stream ended: a later dial
 * fails with conn-pool's DialError, so calls fail with ConnectionError). Closing it ends the
 * writable side (a child process reading stdin sees EOF); the readable side is left to its owner.
 */
export function createStreamLinkSet(
  host: LinkHost,
  pair: StreamPair,
  o: ResolvedClientOptions,
): SharedPool<Connection> {
  let made = false;
  const limits = {
    pipelineThreshold: o.pipelineThreshold,
    maxActive: 1,
    maxIdle: 1,
    idleTimeout: 0,
  };
  return linkPool<Connection>(limits, {
    create: () => {
      if (made) {
        const cause = new Error('the stream ended; a stream target is not reopened');
        throw new DialError('stream', { cause });
      }
      made = true;
      return new Connection(host, pair.readable, pair.writable, o.framing, o.maxMessageBytes, INFO);
    },
    destroy: (conn) => {
      // Stryker disable next-line BooleanLiteral: the next lines stop the decoder and end the writable: nothing more arrives or leaves
      conn.dead = true;
      conn.stop();
      conn.output.end(); // on an ended or destroyed writable, end() does nothing (no callback: no error)
    },
    validate: (conn) => !conn.dead,
  });
}
