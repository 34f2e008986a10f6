/** Per-call options of `call()`, `notify()`, `batch()` and every proxy method. */
export interface CallOptions {
  /**
   * This call's whole deadline in ms, retries and waiting for a connection included; 0 disables.
   * @default the client's `timeout` (30000)
   */
  timeout?: number;
  /**
   * Aborts the call: it rejects at once with `AbortError` (`cause` = `signal.reason`) and a late
   * answer is dropped. An already aborted signal rejects before anything is sent.
   */
  signal?: AbortSignal;
  /**
   * The method is safe to run twice: the call may be retried even after its request was written
   * (when its connection is lost). Without it, only calls that provably did not run are retried.
   * @default false
   */
  idempotent?: boolean;
}

type AnyFunction = (...args: never[]) => unknown;

/** One proxy method: the handler's first parameter as params, its result unwrapped from Promise. */
export type ProxyMethod<Args extends readonly unknown[], Result> = undefined extends Args[0]
  ? (params?: Args[0], options?: CallOptions) => Promise<Awaited<Result>>
  : (params: Args[0], options?: CallOptions) => Promise<Awaited<Result>>;

/** The string keys of `T` that name callable members and do not start with `_`. */
export type ServiceMethodNames<T> = {
  [K in keyof T]: K extends `_${string}`
    ? never
    : K extends string
      ? T[K] extends AnyFunction
        ? K
        : never
      : never;
}[keyof T];

/**
 * A typed proxy for the service `T` (an interface, or the server-side class): each method
 * `m(params, ctx?)` becomes `m(params, options?) => Promise<result>`, calling `Name.m`.
 * Members that are not functions, and names starting with `_`, are left out.
 */
export type ServiceProxy<T> = {
  readonly [K in ServiceMethodNames<T>]: T[K] extends (...args: infer A) => infer R
    ? ProxyMethod<A, R>
    : never;
};

/** What a proxy needs from the client. */
export interface ProxyTarget {
  call(method: string, params?: object, options?: CallOptions): Promise<unknown>;
}

/**
 * Builds the proxy: a property read returns a function (made once per name and cached) that calls
 * `name.property`. `then` and symbols read as `undefined`, so the proxy is not a thenable and
 * `await`ing it, logging it or spreading it behave.
 */
export function createServiceProxy<T>(client: ProxyTarget, name: string): ServiceProxy<T> {
  const methods = new Map<string, (params?: object, options?: CallOptions) => Promise<unknown>>();
  return new Proxy(Object.create(null) as object, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then' || property.startsWith('_')) {
        return undefined;
      }
      let method = methods.get(property);
      if (method === undefined) {
        const full = `${name}.${property}`;
        method = (params, options) => client.call(full, params, options);
        methods.set(property, method);
      }
      return method;
    },
    has(_target, property) {
      return typeof property === 'string' && property !== 'then' && !property.startsWith('_');
    },
    set() {
      return false;
    },
    defineProperty() {
      return false;
    },
    deleteProperty() {
      return false;
    },
  }) as ServiceProxy<T>;
}
