// The probe of an ejected endpoint when the target names a `healthMethod` (endpoints.ts): one
// request on a connection of its own, as deploy/kubernetes/probe.mjs does, so a server that
// accepts connections but answers -32002 (draining) or an error stays out. Node only.
import { connect, type Socket } from 'node:net';
import type { ResolvedTarget } from './target.js';

/**
 * Calls `method` on `target` over a new NDJSON TCP connection: resolves when it answers with a
 * result, rejects on an error answer, a failed connection, or no answer within `timeout` ms.
 */
export function healthCheck(
  target: ResolvedTarget,
  method: string,
  timeout: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(target.tcp as { host: string; port: number });
    // Stryker disable next-line BooleanLiteral: one small write, sent at once either way
    socket.setNoDelay(true);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: setTimeout(0) is no timeout
    if (timeout > 0) socket.setTimeout(timeout, () => socket.destroy(new Error('no answer')));
    let text = '';
    const done = (error: Error | null): void => {
      socket.destroy();
      if (error === null) resolve();
      else reject(error);
    };
    socket.once('connect', () => {
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method })}\n`);
    });
    // Stryker disable next-line StringLiteral: Node reads '' as utf8 (the default encoding)
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end < 0) return;
      let answer: unknown;
      try {
        answer = JSON.parse(text.slice(0, end));
      } catch {
        done(new Error('an answer that is not JSON'));
        return;
      }
      const ok = typeof answer === 'object' && answer !== null && 'result' in answer;
      done(ok ? null : new Error(`${method} answered ${text.slice(0, end)}`));
    });
    socket.once('error', (error) => done(error));
    socket.once('close', () => done(new Error('closed before answering')));
  });
}
