import { errorClass } from '@rerpc/internal';

/** A document `rerpc-types` cannot read as OpenRPC: the message says what is missing. */
export class OpenRpcDocumentError extends errorClass(
  'OpenRpcDocumentError',
  'RERPC_ERR_OPENRPC_DOCUMENT',
) {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
