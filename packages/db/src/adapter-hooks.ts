import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";

export type AdapterHooks = {
  /** Called for every SQL statement Prisma sends, transactions included. */
  onStatement?: (sql: string) => void;
  /** Turns a driver's error into the one Prisma should see. */
  mapError?: (error: unknown) => unknown;
};

/**
 * Wraps a Prisma driver adapter so that every statement it runs — through the adapter, the
 * connections it hands out and their transactions — passes through the hooks.
 */
export function withAdapterHooks(factory: SqlDriverAdapterFactory, hooks: AdapterHooks): SqlDriverAdapterFactory {
  return hooked(factory, hooks);
}

function hooked<T extends object>(target: T, hooks: AdapterHooks): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if ((property === "queryRaw" || property === "executeRaw") && hooks.onStatement) {
          hooks.onStatement((args[0] as { sql: string }).sql);
        }
        const result: unknown = value.apply(object, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          // connect() and startTransaction() hand out queryables that need the same care.
          (resolved: unknown) => (isQueryable(resolved) ? hooked(resolved, hooks) : resolved),
          (error: unknown) => {
            throw hooks.mapError ? hooks.mapError(error) : error;
          },
        );
      };
    },
  });
}

function isQueryable(value: unknown): value is object {
  return typeof value === "object" && value !== null && "queryRaw" in value;
}
