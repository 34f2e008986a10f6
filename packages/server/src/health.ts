import { describe, optionError } from '@rerpc/internal';
import type { Registry } from '@rerpc/registry';

/** What the health method answers while the server serves (and its bytes on the wire). */
const HEALTHY = Object.freeze({ status: 'ok' });

function health(): typeof HEALTHY {
  return HEALTHY;
}

/**
 * The `healthMethod` option: a method name, or `null` for none (the default). Its rules are the
 * registry's; a name starting with `rpc.` is allowed here (the prefix JSON-RPC reserves for the
 * implementation), since this is the server's own method.
 */
export function checkHealthMethod(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0) {
    throw optionError(
      `healthMethod must be a non-empty method name or null, got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * Registers the health method: it answers `{"status":"ok"}` while the server serves. Once
 * `close()` begins every request is answered -32002 "Server is shutting down" before any method
 * runs, and new connections are refused, so a balancer probing it (HAProxy's `tcp-check`, a
 * Kubernetes exec probe) sees the server go unhealthy the moment draining starts, with no state
 * of its own. Throws an option error for a name the registry refuses.
 */
export function registerHealth(registry: Registry, name: string | null): void {
  if (name === null) return;
  try {
    if (name.startsWith('rpc.')) registry.system(name, health);
    else registry.method(name, health);
  } catch (error) {
    throw optionError(
      `healthMethod ${describe(name)} cannot be a method name: ${(error as Error).message}`,
    );
  }
}
