import { cancelledId } from '@rerpc/internal';

/**
 * A cancellation notification shaped other than LSP's `$/cancelRequest` `{ id }`: which method,
 * which params member holds the cancelled call's id, and whether the call is still answered.
 * MCP's is `{ method: 'notifications/cancelled', idParam: 'requestId', answer: false }`.
 */
export interface CancelNotification {
  /** The notification's method name. */
  method: string;
  /**
   * The member of its params (an object) that holds the cancelled call's id.
   * @default 'id'
   */
  idParam?: string;
  /**
   * Answer the cancelled call -32800 "Request cancelled" (LSP requires an answer), or send
   * nothing for it (MCP: the receiver "SHOULD NOT send a response for the cancelled request").
   * @default true
   */
  answer?: boolean;
}

/** The `cancelMethod` option after validation: a name, a full description, or off. */
export type ResolvedCancelMethod = string | Readonly<Required<CancelNotification>> | null;

/**
 * How one channel recognises a cancellation, read once per channel from the resolved option:
 * the method name (null: off), the params member naming the call, whether it is answered.
 */
export class CancelRule {
  readonly method: string | null;
  readonly idParam: string;
  readonly answer: boolean;

  constructor(option: ResolvedCancelMethod) {
    if (option === null || typeof option === 'string') {
      this.method = option;
      this.idParam = 'id';
      this.answer = true;
    } else {
      this.method = option.method;
      this.idParam = option.idParam;
      this.answer = option.answer;
    }
  }

  /** The id a cancel notification's `params` names; null when malformed (then it is ignored). */
  idOf(params: unknown): string | number | null {
    return cancelledId(params, this.idParam);
  }
}
