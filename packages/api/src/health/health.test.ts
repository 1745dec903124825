import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInnerContext } from "../context";
import { appRouter } from "../root";
import { createCallerFactory } from "../trpc";

const createCaller = createCallerFactory(appRouter);

describe("health", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it("reports the version, a reachable database and its migration level", async () => {
    const health = await createCaller(createInnerContext({ db, version: "1.2.3" })).health();
    const latest = await db.sql.query<{ name: string }>(
      `SELECT max(migration_name) AS name FROM "public"."_prisma_migrations"`,
    );
    expect(health).toMatchObject({
      status: "ok",
      version: "1.2.3",
      database: { kind: db.kind, reachable: true, migrations: { latest: latest[0]!.name } },
    });
    expect(health.database.migrations!.count).toBeGreaterThan(0);
  });

  it("says the database is unreachable instead of failing", async () => {
    const closed = await createTestDatabase();
    await closed.close();
    const health = await createCaller(createInnerContext({ db: closed, version: "1.2.3" })).health();
    expect(health).toEqual({
      status: "degraded",
      version: "1.2.3",
      database: { kind: closed.kind, reachable: false, migrations: null, latencyMs: null },
    });
  });
});
