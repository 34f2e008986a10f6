/** What a gate pauses: a socket, or a WebSocket (both stop and restart reading). */
export interface Readable {
  pause(): unknown;
  resume(): unknown;
}

/**
 * Whether a connection reads, for its two reasons to stop: the core asked (too many calls in
 * flight, or the server is saturated), or the socket's write buffer is full (the peer reads its
 * answers too slowly). It reads again only when neither holds. Every transport with a socket
 * (TCP, WebSocket) has one.
 */
export class ReadGate {
  private readonly target: Readable;
  private core = false;
  private write = false;
  private paused = false;

  constructor(target: Readable) {
    this.target = target;
  }

  /** The core paused (`true`) or resumed (`false`) the connection. */
  setCore(paused: boolean): void {
    this.core = paused;
    this.update();
  }

  /** The socket's buffer filled up (`true`) or drained (`false`). */
  setWrite(full: boolean): void {
    // Stryker disable next-line ConditionalExpression: a fast path: update() pauses or resumes only when the outcome changes
    if (full === this.write) return;
    this.write = full;
    this.update();
  }

  get corePaused(): boolean {
    return this.core;
  }

  private update(): void {
    const pause = this.core || this.write;
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.target.pause();
    else this.target.resume();
  }
}
