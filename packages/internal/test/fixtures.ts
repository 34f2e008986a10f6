import { brand, RerpcError } from '../src/index.js';

/** A well-made error class whose only message is the default one given to brand(). */
export class ClosedError extends RerpcError {
  override readonly name = 'ClosedError';
  readonly code = 'RERPC_ERR_TEST_CLOSED';
}
brand(ClosedError, 'RERPC_ERR_TEST_CLOSED', 'It is closed; make a new one');
