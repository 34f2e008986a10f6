import { checkBoolean, checkOptions, checkTime, describe, optionError } from '@rerpc/internal';

/**
 * Options of the HTTP + WebSocket transport: `listen({ transport: 'http', ...webOptions })`,
 * `server.httpHandler(webOptions)` and `server.upgradeHandler(webOptions)`.
 */
export interface WebOptions {
  /**
   * Path whose `GET` answers 200 `{"status":"serving"}` while the server serves and 503
   * `{"status":"draining"}` once `close()` began (for load balancers); `null` disables it. Compared
   * with the request's path without its query string (for a mounted handler, the path its
   * framework hands it).
   * @default '/health'
   */
  healthPath?: string | null;
  /**
   * Origins (`'https://app.example'`) that browsers may call from: their POSTs get
   * `Access-Control-Allow-Origin` and their preflight `OPTIONS` a 204; `'*'` allows any origin;
   * `null` sends no CORS headers (and `OPTIONS` is 405).
   * @default null (off)
   */
  cors?: readonly string[] | '*' | null;
  /** Accept WebSocket upgrades (`Upgrade: websocket`) on the same port. @default true */
  websocket?: boolean;
  /**
   * Milliseconds between WebSocket pings; a connection that has not answered the previous ping
   * with a pong by the next one is terminated. 0 disables.
   * @default 30000
   */
  pingInterval?: number;
  /**
   * Origins allowed to open a WebSocket (the `Origin` header browsers send); others get 403. A
   * request without `Origin` (not from a browser) is always allowed. `null` allows any origin.
   * @default null (any)
   */
  origins?: readonly string[] | null;
}

/** Web options after validation. */
export interface ResolvedWebOptions {
  readonly healthPath: string | null;
  readonly cors: readonly string[] | '*' | null;
  readonly websocket: boolean;
  readonly pingInterval: number;
  readonly origins: readonly string[] | null;
}

/** The web transport's defaults; the README's Web options table is held to it by a test. */
export const WEB_DEFAULTS: ResolvedWebOptions = Object.freeze({
  healthPath: '/health',
  cors: null,
  websocket: true,
  pingInterval: 30_000,
  origins: null,
});

export const WEB_OPTION_NAMES: readonly string[] = Object.keys(WEB_DEFAULTS);

/** Validates `options` (`what` names the object in messages) and fills in the defaults. */
export function resolveWebOptions(
  options: WebOptions | undefined,
  what = 'httpHandler() options',
): ResolvedWebOptions {
  if (options === undefined) return WEB_DEFAULTS;
  checkOptions(options, WEB_OPTION_NAMES, what);
  return pickWebOptions(options);
}

/** Validates the web options among `options` (whose other keys the caller checked). */
export function pickWebOptions(options: WebOptions): ResolvedWebOptions {
  const healthPath =
    options.healthPath === undefined ? WEB_DEFAULTS.healthPath : options.healthPath;
  if (healthPath !== null && (typeof healthPath !== 'string' || !healthPath.startsWith('/'))) {
    throw optionError(
      `healthPath must be a path starting with '/' or null, got ${describe(healthPath)}`,
    );
  }
  const cors = options.cors === undefined ? WEB_DEFAULTS.cors : options.cors;
  if (cors !== null && cors !== '*') originList('cors', cors, "or '*' ");
  const origins = options.origins === undefined ? WEB_DEFAULTS.origins : options.origins;
  if (origins !== null) originList('origins', origins, '');
  const pingInterval = checkTime('pingInterval', options.pingInterval ?? WEB_DEFAULTS.pingInterval);
  return Object.freeze({
    healthPath,
    cors: cors === null || cors === '*' ? cors : Object.freeze([...cors]),
    websocket: checkBoolean('websocket', options.websocket ?? WEB_DEFAULTS.websocket),
    pingInterval,
    origins: origins === null ? null : Object.freeze([...origins]),
  });
}

function originList(name: string, value: unknown, alt: string): void {
  if (
    !Array.isArray(value) ||
    value.some((origin) => typeof origin !== 'string' || origin.length === 0)
  ) {
    throw optionError(
      `${name} must be an array of origins (e.g. ['https://app.example']) ${alt}or null, got ${describe(value)}`,
    );
  }
}
