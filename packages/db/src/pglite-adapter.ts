import type { PGlite } from "@electric-sql/pglite";
import { DriverAdapterError, type SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

/**
 * pglite-prisma-adapter 0.6 (the last for Prisma 6) reports every database error as
 * `kind: "postgres"`, which Prisma 6.19 no longer turns into its known errors: a unique
 * violation would reach the API as an unknown error on the embedded database and as P2002
 * on PostgreSQL. This wrapper maps errors the way @prisma/adapter-pg does, so both engines
 * fail alike.
 */
export function createPGliteAdapter(db: PGlite): SqlDriverAdapterFactory {
  return translating(new PrismaPGlite(db)) as SqlDriverAdapterFactory;
}

function translating<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(object, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          // connect() and startTransaction() hand out queryables that need the same care.
          (resolved: unknown) => (isQueryable(resolved) ? translating(resolved) : resolved),
          (error: unknown) => {
            throw translate(error);
          },
        );
      };
    },
  });
}

function isQueryable(value: unknown): value is object {
  return typeof value === "object" && value !== null && "queryRaw" in value;
}

type RawPostgresError = { kind: "postgres"; code: string; message: string; detail?: string; column?: string };

function translate(error: unknown): unknown {
  if (!(error instanceof DriverAdapterError)) return error;
  const cause = error.cause as unknown as RawPostgresError;
  if (cause.kind !== "postgres") return error;
  const fields = cause.detail?.match(/Key \(([^)]+)\)/)?.at(1)?.split(", ");
  const constraint = fields ? { fields } : undefined;
  const original = { originalCode: cause.code, originalMessage: cause.message };
  switch (cause.code) {
    case "23505":
      return new DriverAdapterError({ kind: "UniqueConstraintViolation", constraint, ...original });
    case "23502":
      return new DriverAdapterError({ kind: "NullConstraintViolation", constraint, ...original });
    case "23503":
      return new DriverAdapterError({
        kind: "ForeignKeyConstraintViolation",
        constraint: cause.column ? { fields: [cause.column] } : undefined,
        ...original,
      });
    case "40001":
      return new DriverAdapterError({ kind: "TransactionWriteConflict", ...original });
    case "22001":
      return new DriverAdapterError({ kind: "LengthMismatch", column: cause.column, ...original });
    default:
      return error;
  }
}
