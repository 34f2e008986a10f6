import { describe, optionError } from '@rerpc/internal';

/** How connections are spread over the workers. */
export type Balancing = 'auto' | 'round-robin' | 'reuse-port';

/**
 * Platforms where `listen({ reusePort: true })` works (Node's net docs: Linux 3.9+, DragonFly
 * 3.6+, FreeBSD 12+, Solaris 11.4, AIX 7.2.5+). Elsewhere Node fails the listen instead of
 * falling back (nodejs/node#61018), so the choice is made here.
 */
const REUSE_PORT_PLATFORMS: readonly string[] = ['linux', 'freebsd', 'sunos', 'aix'];

/** Whether this Node has `reusePort` in `net.Server.listen` (v22.12.0 and v23.1.0 on). */
export function nodeHasReusePort(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major === 22) return minor >= 12;
  if (major === 23) return minor >= 1;
  return major > 23;
}

/**
 * The balancing a cluster uses: `'reuse-port'` (each worker binds the port itself and the
 * kernel spreads connections) where Node and the platform support it and `'auto'` or
 * `'reuse-port'` was asked for; else node:cluster's `'round-robin'` (the primary accepts and
 * hands connections out in turn). Throws an option error for `'reuse-port'` where it cannot work.
 */
export function selectBalancing(
  requested: unknown,
  version: string = process.versions.node,
  platform: string = process.platform,
): 'round-robin' | 'reuse-port' {
  const supported = nodeHasReusePort(version) && REUSE_PORT_PLATFORMS.includes(platform);
  if (requested === 'round-robin') return 'round-robin';
  if (requested === 'auto') return supported ? 'reuse-port' : 'round-robin';
  if (requested === 'reuse-port') {
    if (supported) return 'reuse-port';
    throw optionError(
      `balancing 'reuse-port' needs Node >= 22.12 (or >= 23.1) on Linux, FreeBSD, Solaris or AIX, got Node ${version} on ${platform}; use 'auto' or 'round-robin'`,
    );
  }
  throw optionError(
    `balancing must be 'auto', 'round-robin' or 'reuse-port', got ${describe(requested)}`,
  );
}
