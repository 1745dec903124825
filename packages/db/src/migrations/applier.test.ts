import { createEmptyTestDatabase, testDatabaseUrl, type TestDatabase } from "../testing";
import { afterEach, describe, expect, it } from "vitest";
import { connectPostgres } from "../sql";
import { applyMigrations, migrationChecksum, migrationLevel, readLocalMigrations, type LocalMigration } from "./applier";

const migration = (name: string, sql: string): LocalMigration => ({ name, sql, checksum: migrationChecksum(sql) });

const first = migration("20260101000000_first", `CREATE TABLE "public"."first" (id int PRIMARY KEY);`);
const second = migration(
  "20260102000000_second",
  `CREATE TABLE "public"."second" (id int PRIMARY KEY);\nINSERT INTO "public"."second" VALUES (1), (2);`,
);

let db: TestDatabase;
afterEach(async () => {
  await db?.close();
});

async function tables(): Promise<string[]> {
  const rows = await db.sql.query<{ name: string }>(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_schema IN ('public', 'auth', 'employees', 'qr') ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

describe(`migrations on ${testDatabaseUrl() ? "PostgreSQL" : "embedded PGlite"}`, () => {
  it("applies the project's migrations to an empty database, then is a no-op", async () => {
    db = await createEmptyTestDatabase();
    const all = readLocalMigrations();
    expect(all.length).toBeGreaterThan(0);

    const firstRun = await db.migrate();
    expect(firstRun.applied).toEqual(all.map((m) => m.name));
    expect(await tables()).toContain("auth.users");

    const secondRun = await db.migrate();
    expect(secondRun).toEqual({ applied: [], alreadyApplied: all.length, unknown: [] });
    expect(await migrationLevel(db.sql)).toEqual({ latest: all.at(-1)!.name, count: all.length });
  });

  it("records each migration in Prisma's _prisma_migrations format", async () => {
    db = await createEmptyTestDatabase();
    await applyMigrations(db.sql, [first]);
    const rows = await db.sql.query(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at,
              applied_steps_count, length(id) AS id_length
         FROM "public"."_prisma_migrations"`,
    );
    expect(rows).toEqual([
      {
        migration_name: first.name,
        checksum: first.checksum,
        finished: true,
        rolled_back_at: null,
        applied_steps_count: 1,
        id_length: 36,
      },
    ]);
  });

  it("applies only what is new, in name order", async () => {
    db = await createEmptyTestDatabase();
    await applyMigrations(db.sql, [first]);
    const report = await applyMigrations(
      db.sql,
      [second, first].sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(report).toEqual({ applied: [second.name], alreadyApplied: 1, unknown: [] });
    expect(await db.sql.query(`SELECT id FROM "public"."second" ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("refuses to run when an applied migration's file changed, naming it", async () => {
    db = await createEmptyTestDatabase();
    await applyMigrations(db.sql, [first]);
    const edited = migration(first.name, `${first.sql}\n-- edited afterwards`);
    await expect(applyMigrations(db.sql, [edited, second])).rejects.toThrow(
      /Migration 20260101000000_first was changed after it was applied/,
    );
    expect(await tables()).not.toContain("public.second");
  });

  it("rolls a failing migration back whole and names it", async () => {
    db = await createEmptyTestDatabase();
    const broken = migration("20260103000000_broken", `CREATE TABLE "public"."half" (id int);\nSELECT no_such_function();`);
    await expect(applyMigrations(db.sql, [first, broken])).rejects.toThrow(/Migration 20260103000000_broken failed/);
    expect(await tables()).toEqual(["public._prisma_migrations", "public.first"]);
    const recorded = await db.sql.query(`SELECT migration_name FROM "public"."_prisma_migrations"`);
    expect(recorded).toEqual([{ migration_name: first.name }]);
  });

  it("reports migrations the database has but this release does not", async () => {
    db = await createEmptyTestDatabase();
    await applyMigrations(db.sql, [first, second]);
    expect(await applyMigrations(db.sql, [first])).toEqual({
      applied: [],
      alreadyApplied: 1,
      unknown: [second.name],
    });
  });
});

describe.runIf(testDatabaseUrl())("migrations from hosts starting at once (PostgreSQL)", () => {
  it("applies each migration exactly once", async () => {
    db = await createEmptyTestDatabase();
    const many = Array.from({ length: 6 }, (_, i) => migration(`2026010${i}000000_step${i}`, `CREATE TABLE "public"."step${i}" (id int);`));
    const sessions = await Promise.all(Array.from({ length: 4 }, () => connectPostgres(db.url!)));
    try {
      const reports = await Promise.all(sessions.map((session) => applyMigrations(session, many)));
      expect(reports.flatMap((report) => report.applied).sort()).toEqual(many.map((m) => m.name));
      const counts = await db.sql.query<{ migration_name: string; n: number }>(
        `SELECT migration_name, count(*)::int AS n FROM "public"."_prisma_migrations" GROUP BY 1 ORDER BY 1`,
      );
      expect(counts).toEqual(many.map((m) => ({ migration_name: m.name, n: 1 })));
    } finally {
      await Promise.all(sessions.map((session) => session.close()));
    }
  });
});
