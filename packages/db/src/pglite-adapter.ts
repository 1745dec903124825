import type { PGlite } from "@electric-sql/pglite";
import { DriverAdapterError, type SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { withAdapterHooks } from "./adapter-hooks";

/**
 * pglite-prisma-adapter 0.6 (the last for Prisma 6) reports every database error as
 * `kind: "postgres"`, which Prisma 6.19 no longer turns into its known errors: a unique
 * violation would reach the API as an unknown error on the embedded database and as P2002
 * on PostgreSQL. This wrapper maps errors the way @prisma/adapter-pg does, so both engines
 * fail alike.
 */
export function createPGliteAdapter(db: PGlite, onStatement?: (sql: string) => void): SqlDriverAdapterFactory {
  return withAdapterHooks(new PrismaPGlite(db), { onStatement, mapError: translate });
}

type RawPostgresError = { kind: "postgres"; code: string; message: string; detail?: string; column?: string };

function translate(error: unknown): unknown {
  if (!(error instanceof DriverAdapterError)) return error;
  const cause = error.cause as unknown as RawPostgresError;
  if (cause.kind !== "postgres") return error;
  const fields = cause.detail
    ?.match(/Key \(([^)]+)\)/)
    ?.at(1)
    ?.split(", ");
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
