import { errorClass } from '@rerpc/internal';

/** Thrown at registration: a bad name, a duplicate, a non-function member, an invalid schema. */
export class RegistrationError extends errorClass('RegistrationError', 'RERPC_ERR_REGISTRATION') {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
