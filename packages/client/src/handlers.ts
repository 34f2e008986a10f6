import { checkFunction, describe } from '@rerpc/internal';
import type { MethodEntry, MethodOptions, RegisterOptions, Registry } from '@rerpc/registry';

/** @rerpc/registry's module: where the table of methods the client answers comes from. */
export type RegistryModule = typeof import('@rerpc/registry');

/** A notification handler: its return value is ignored; a rejection is dropped. */
export type NotificationHandler = (params: never, ctx: never) => unknown;

/**
 * What this client answers when the server calls it: methods in a @rerpc/registry table (names,
 * params schemas and result encoders compiled at registration, as the server's are), and
 * notification handlers by method name.
 */
export class HandlerTable {
  private registry: Registry | null = null;
  private readonly notifications = new Map<string, NotificationHandler>();
  /** Loads @rerpc/registry on the first `method()` / `register()` (see Platform). */
  private readonly load: () => RegistryModule;

  constructor(load: () => RegistryModule) {
    this.load = load;
  }

  private table(): Registry {
    if (this.registry === null) this.registry = this.load().createRegistry();
    return this.registry;
  }

  method(name: string, handler: unknown, options?: MethodOptions): void {
    this.table().method(name, handler as (params: never, ctx: unknown) => unknown, options);
  }

  register(instance: object, options?: RegisterOptions): string[] {
    return this.table().register(instance, options);
  }

  /**
   * Sets the handler of notifications named `name` (replacing one set before); returns a
   * function that removes it.
   */
  onNotification(name: string, handler: NotificationHandler): () => void {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`name must be a non-empty string, got ${describe(name)}`);
    }
    checkFunction('handler', handler);
    this.notifications.set(name, handler);
    return () => {
      if (this.notifications.get(name) === handler) this.notifications.delete(name);
    };
  }

  /** The registered method `name`; undefined when none. */
  get(name: string): MethodEntry | undefined {
    return this.registry === null ? undefined : this.registry.get(name);
  }

  /** The notification handler of `name`; undefined when none. */
  notification(name: string): NotificationHandler | undefined {
    return this.notifications.get(name);
  }
}
