// A resolver (endpoints.ts) over DNS: A/AAAA records, or SRV records, as a Kubernetes headless
// Service publishes them. Node only: the browser entry never imports this file.
import { Resolver as DnsResolver } from 'node:dns/promises';
import { checkInteger, describe, optionError, rejectUnknownOptions } from '@rerpc/internal';
import type { Endpoint, Resolver } from './endpoints.js';

/** Options of {@link dns}. */
export interface DnsOptions {
  /** The servers' port; needed unless `srv` (whose records carry it). */
  port?: number;
  /** Look up SRV records of `name` (each target's A/AAAA, and its port). @default false */
  srv?: boolean;
  /** `4`: A records only, `6`: AAAA only, `0`: both. @default 0 */
  family?: 0 | 4 | 6;
  /** DNS servers to ask (`'127.0.0.1:5353'`), instead of the system's. @default null */
  servers?: readonly string[] | null;
}

const KEYS: readonly string[] = ['port', 'srv', 'family', 'servers'];

/**
 * A resolver for `createClient({ resolver })` that looks `name` up in DNS: its A and AAAA
 * records with `port`, or with `srv: true` its SRV records. Throws `TypeError` at once for an
 * invalid option; a failed lookup rejects (the client keeps the endpoints it had).
 *
 * @example
 * const client = createClient({ resolver: dns('rpc.default.svc.cluster.local', { port: 7000 }) });
 */
export function dns(name: string, options: DnsOptions = {}): Resolver {
  if (typeof name !== 'string' || name === '') {
    throw optionError(`dns() name must be a non-empty string, got ${describe(name)}`);
  }
  rejectUnknownOptions(options, KEYS, 'dns() options');
  const srv = options.srv ?? false;
  if (typeof srv !== 'boolean') throw optionError(`srv must be a boolean, got ${describe(srv)}`);
  const port = srv && options.port === undefined ? 0 : checkInteger('port', options.port, 1, 65535);
  const family = options.family ?? 0;
  if (family !== 0 && family !== 4 && family !== 6) {
    throw optionError(`family must be 0, 4 or 6, got ${describe(family)}`);
  }
  const servers = options.servers ?? null;
  const resolver = new DnsResolver();
  if (servers !== null) {
    if (!Array.isArray(servers) || servers.some((s) => typeof s !== 'string')) {
      throw optionError(`servers must be an array of addresses, got ${describe(servers)}`);
    }
    resolver.setServers(servers);
  }
  const hosts = (host: string): Promise<string[]> => addresses(resolver, host, family);
  if (!srv) {
    return async () => (await hosts(name)).map((host): Endpoint => ({ host, port }));
  }
  return async () => {
    const records = await resolver.resolveSrv(name);
    records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
    const out: Endpoint[] = [];
    for (const record of records) {
      for (const host of await hosts(record.name)) {
        out.push({ host, port: port === 0 ? record.port : port });
      }
    }
    return out;
  };
}

/** `host`'s A and/or AAAA records; rejects only when every lookup failed. */
async function addresses(
  resolver: DnsResolver,
  host: string,
  family: 0 | 4 | 6,
): Promise<string[]> {
  const lookups: Promise<string[]>[] = [];
  if (family !== 6) lookups.push(resolver.resolve4(host));
  if (family !== 4) lookups.push(resolver.resolve6(host));
  const settled = await Promise.allSettled(lookups);
  const out: string[] = [];
  let failure: unknown = null;
  for (const s of settled) {
    if (s.status === 'fulfilled') out.push(...s.value);
    else failure = s.reason;
  }
  if (out.length === 0 && failure !== null) throw failure;
  return out;
}
