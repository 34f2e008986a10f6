/**
 * How long to wait before replacing a worker that crashed, given how many times in a row its
 * slot's worker crashed before (0 for the first crash): `restartDelay` doubling per crash,
 * capped at `maxRestartDelay`. A pure decision; the cluster sets the timer.
 */
export function restartBackoff(
  crashesBefore: number,
  restartDelay: number,
  maxRestartDelay: number,
): number {
  // 2^31 already exceeds any timer, so the exponent is capped to keep the product finite.
  const factor = 2 ** Math.min(crashesBefore, 31);
  return Math.min(restartDelay * factor, maxRestartDelay);
}

/**
 * Whether a crash continues a run of crashes: a worker that served (listened) for at least
 * `maxRestartDelay` ms before it died starts the count again at 0.
 */
export function continuesCrashRun(
  listenedAt: number | null,
  diedAt: number,
  maxRestartDelay: number,
): boolean {
  return listenedAt === null || diedAt - listenedAt < maxRestartDelay;
}
