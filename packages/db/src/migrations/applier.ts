import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { SqlSession } from "../sql";

export const MIGRATIONS_DIR = path.join(import.meta.dirname, "..", "..", "prisma", "migrations");

/** Any constant works as long as every QRcoats host uses the same one. */
const MIGRATION_LOCK_KEY = 7_245_093_118;

export type LocalMigration = { name: string; sql: string; checksum: string };

export type MigrationReport = {
  applied: string[];
  alreadyApplied: number;
  /** Recorded in the database but absent here: a newer release ran first. */
  unknown: string[];
};

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Prisma's checksum of a migration script: SHA-256 of the file, hex. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

export function readLocalMigrations(dir = MIGRATIONS_DIR): LocalMigration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: migrationChecksum(sql) };
    });
}

// Prisma's own bookkeeping table, byte for byte, so `prisma migrate status/deploy` keep
// working wherever the native engine is available.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "public"."_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

type AppliedRow = { migration_name: string; checksum: string; finished_at: Date | null };

/**
 * Applies every migration not yet recorded, in name order, each in its own transaction,
 * under an advisory lock so that hosts starting together apply each one exactly once.
 */
export async function applyMigrations(session: SqlSession, migrations: LocalMigration[] = readLocalMigrations()): Promise<MigrationReport> {
  await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await session.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at FROM "public"."_prisma_migrations"
       WHERE rolled_back_at IS NULL`,
    );
    const recorded = new Map(rows.map((row) => [row.migration_name, row]));
    const report: MigrationReport = {
      applied: [],
      alreadyApplied: 0,
      unknown: rows.map((row) => row.migration_name).filter((name) => !migrations.some((m) => m.name === name)),
    };

    for (const migration of migrations) {
      const row = recorded.get(migration.name);
      if (row) {
        if (row.finished_at === null) {
          throw new MigrationError(
            `Migration ${migration.name} started earlier and never finished; repair the database and mark it rolled back before retrying.`,
          );
        }
        if (row.checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was changed after it was applied (checksum ${row.checksum} in the database, ${migration.checksum} on disk). Restore the file and put the change in a new migration.`,
          );
        }
        report.alreadyApplied++;
        continue;
      }
      await applyOne(session, migration);
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
  }
}

async function applyOne(session: SqlSession, migration: LocalMigration) {
  await session.exec("BEGIN");
  try {
    await session.exec(migration.sql);
    await session.query(
      `INSERT INTO "public"."_prisma_migrations"
         (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await session.exec("COMMIT");
  } catch (error) {
    await session.exec("ROLLBACK");
    throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export type MigrationLevel = { latest: string | null; count: number };

/** The newest migration the database has, for health checks. */
export async function migrationLevel(session: SqlSession): Promise<MigrationLevel> {
  const rows = await session.query<{ migration_name: string; count: string }>(
    `SELECT migration_name, count(*) OVER ()::text AS count
       FROM "public"."_prisma_migrations"
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
      ORDER BY migration_name DESC LIMIT 1`,
  );
  const top = rows[0];
  return { latest: top?.migration_name ?? null, count: top ? Number(top.count) : 0 };
}
