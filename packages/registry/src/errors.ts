const BRAND = Symbol.for('rerpc.error.RERPC_ERR_REGISTRATION');

/** Thrown at registration: a bad name, a duplicate, a non-function member, an invalid schema. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  readonly code = 'RERPC_ERR_REGISTRATION' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }
}
