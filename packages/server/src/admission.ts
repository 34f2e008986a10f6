import { DisconnectedError } from './errors.js';
import type { HandlerErrors } from './handler-errors.js';
import { isThenable } from './middleware.js';
import type { Peer } from './peer.js';

/** The `onConnection` option: resolve `false` to refuse the connection. */
export type ConnectionListener = (peer: Peer) => boolean | undefined | Promise<boolean | undefined>;

/** What admission needs of the new connection's channel. */
export interface AdmissionTarget {
  /** `onConnection` decided: run the held messages, or drop the connection with `reason`. */
  admitted(ok: boolean, held: readonly unknown[], reason: unknown): void;
}

const REFUSED = 'onConnection refused the connection';

/**
 * One connection waiting for `onConnection`: the messages that arrive meanwhile (reading is
 * paused, so at most what was already read: bounded by `max`, past which the peer is dropped),
 * and the hook's outcome, which it hands to the channel.
 */
export class Admission {
  private readonly target: AdmissionTarget;
  private readonly max: number;
  private readonly held: unknown[] = [];
  private decided = false;

  constructor(target: AdmissionTarget, max: number) {
    this.target = target;
    this.max = max;
  }

  /** Runs `listener(peer)`; its `false`, throw or rejection refuses (errors go to `errors`). */
  run(listener: ConnectionListener, peer: Peer, errors: HandlerErrors): void {
    let outcome: ReturnType<ConnectionListener>;
    try {
      outcome = listener(peer);
    } catch (error) {
      this.fail(error, peer, errors);
      return;
    }
    if (isThenable(outcome)) {
      Promise.resolve(outcome).then(
        (ok) => this.decide(ok !== false),
        (error: unknown) => this.fail(error, peer, errors),
      );
      return;
    }
    this.decide(outcome !== false);
  }

  /** A message arrived meanwhile: held (returns false: nothing is answered yet). */
  hold(value: unknown): boolean {
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: admitted() runs synchronously once decided and detaches the admission from its channel, so hold() never meets a decided one
    if (this.decided) return false;
    if (this.held.length < this.max) {
      this.held.push(value);
      return false;
    }
    // Stryker disable next-line BooleanLiteral: the channel is destroyed now, and a destroyed channel's admitted() ignores the listener's later decision
    this.decided = true;
    this.target.admitted(
      false,
      // Stryker disable next-line ArrayDeclaration: a refused connection's held messages are dropped unread
      [],
      new DisconnectedError(
        `The peer sent more than ${this.max} messages before onConnection decided`,
      ),
    );
    return false;
  }

  private decide(ok: boolean): void {
    // Stryker disable next-line ConditionalExpression: a second decision only reaches a destroyed channel (refused: the listener's outcome after the held-message limit), whose admitted() ignores it
    if (this.decided) return;
    // Stryker disable next-line BooleanLiteral: decide() and fail() run at most once per run() (one outcome of the listener); the flag matters only against hold()'s refusal, which sets it itself
    this.decided = true;
    this.target.admitted(ok, this.held, ok ? null : new DisconnectedError(REFUSED));
  }

  private fail(error: unknown, peer: Peer, errors: HandlerErrors): void {
    errors.connectionFailed(error, peer);
    // Stryker disable next-line ConditionalExpression: a second decision only reaches a destroyed channel (refused: the listener's outcome after the held-message limit), whose admitted() ignores it
    if (this.decided) return;
    // Stryker disable next-line BooleanLiteral: decide() and fail() run at most once per run() (one outcome of the listener); the flag matters only against hold()'s refusal, which sets it itself
    this.decided = true;
    this.target.admitted(
      false,
      // Stryker disable next-line ArrayDeclaration: a refused connection's held messages are dropped unread
      [],
      new DisconnectedError(`${REFUSED}: it threw`, { cause: error }),
    );
  }
}
