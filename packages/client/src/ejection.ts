// Outlier ejection, as a policy: what a failure, a success and a graceful close do to one
// endpoint's health. Pure (the clock is an input); the balancer (balancer.ts) acts on the answers.
// The numbers follow Envoy's outlier detection (consecutive_5xx 5, base_ejection_time 30 s × times
// ejected, max_ejection_time 300 s) and grpc-js, which never ejects the last endpoint it has.

/** The resolved `ejection` settings of an endpoints target. */
export interface EjectionSettings {
  /** Consecutive connect, reset or timeout failures that eject an endpoint; 0 disables ejection. */
  readonly failures: number;
  /** Milliseconds an endpoint stays out the first time; each ejection adds as much again. */
  readonly time: number;
  /** The longest an endpoint stays out (ms). */
  readonly maxTime: number;
}

/** Where one endpoint stands. */
export const UP = 0;
/** Ejected: no picks until a probe succeeds after `ejectedUntil`. */
export const EJECTED = 1;
/** Its server said it is shutting down: no new calls, not counted as a failure. */
export const DRAINING = 2;

/** One endpoint's health, owned by the balancer's Endpoint and changed only here. */
export class Health {
  state = UP;
  /** Failures in a row since the last success. */
  consecutive = 0;
  /** Failures ever. */
  failures = 0;
  /** Times ejected; the next ejection lasts `time × (ejections + 1)`, at most `maxTime`. */
  ejections = 0;
  /** When an ejected or draining endpoint may be probed (ms, the clock's scale); 0 when up. */
  ejectedUntil = 0;
}

/**
 * One connect, reset or timeout failure. Returns the milliseconds the endpoint is ejected for, or
 * 0 when it stays in: below the threshold, ejection off, already out, or it is the last healthy
 * endpoint (`others`: healthy endpoints besides this one).
 */
export function failed(h: Health, s: EjectionSettings, others: number, now: number): number {
  h.consecutive += 1;
  h.failures += 1;
  if (h.state !== UP || s.failures === 0 || h.consecutive < s.failures || others === 0) return 0;
  return eject(h, s, now);
}

/** A probe of an ejected endpoint failed: it stays out longer. Returns the new time out (ms). */
export function probeFailed(h: Health, s: EjectionSettings, now: number): number {
  h.failures += 1;
  return eject(h, s, now);
}

function eject(h: Health, s: EjectionSettings, now: number): number {
  h.ejections += 1;
  const ms = Math.min(s.time * h.ejections, s.maxTime);
  h.state = EJECTED;
  h.ejectedUntil = now + ms;
  return ms;
}

/**
 * The server said it is shutting down: new calls go elsewhere at once, and it is probed after
 * `time` (a restarted server comes back). Not a failure. Returns the time out (ms), or 0 when it
 * was already out.
 */
export function draining(h: Health, s: EjectionSettings, now: number): number {
  if (h.state !== UP) return 0;
  h.state = DRAINING;
  h.ejectedUntil = now + s.time;
  return s.time;
}

/** A call was answered on an endpoint that is up: its run of failures is over. */
export function answered(h: Health): void {
  // Stryker disable next-line ConditionalExpression: out, only succeeded() brings it back, and that zeroes the run too
  if (h.state === UP) h.consecutive = 0;
}

/** A dial succeeded (a probe too): the endpoint is up, its failure run over. */
export function succeeded(h: Health): void {
  h.consecutive = 0;
  h.state = UP;
  h.ejectedUntil = 0;
}
