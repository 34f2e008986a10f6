import { brand, RerpcError } from '@rerpc/internal';

/** Thrown at registration: a bad name, a duplicate, a non-function member, an invalid schema. */
export class RegistrationError extends RerpcError {
  override readonly name = 'RegistrationError';
  readonly code = 'RERPC_ERR_REGISTRATION' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
brand(RegistrationError, 'RERPC_ERR_REGISTRATION');
