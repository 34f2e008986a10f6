import { QueuedLink } from './link.js';

/**
 * A WebSocket as a link, whichever library holds it (ws in Node: ws-link.ts; the platform's in a
 * browser: browser-ws-link.ts): each message received is one response or one batch reply, and
 * the socket's close says whether the calls still pending may have run.
 */
export abstract class WebSocketLink extends QueuedLink {
  /** One text message arrived: parsed and handed to the client (counted if unreadable). */
  protected received(text: string): void {
    const host = this.host;
    host.clock = performance.now();
    let value: unknown;
    // Stryker disable BlockStatement: an emptied catch hands message() an undefined value, which it counts as dropped too
    try {
      value = JSON.parse(text);
    } catch {
      host.unreadable(this);
      return;
    }
    // Stryker restore BlockStatement
    host.message(this, value);
  }

  /**
   * The WebSocket closed. After the server answered -32002 on it, a rerpc server closes it only
   * once every call it ran was answered: the calls still pending did not run. Otherwise they
   * may have.
   */
  protected closed(code: number): void {
    const notRun = this.refusedSeen;
    const what = notRun ? ' after answering -32002, shutting down' : '';
    this.host.lost(this, new Error(`the WebSocket closed (code ${code})${what}`), notRun);
  }
}
