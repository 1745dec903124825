import { createTestDatabase } from "@qrcoats/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInnerContext } from "../context";
import { appRouter } from "../root";
import { createTestApi, type TestApi } from "../testing";
import { createCallerFactory } from "../trpc";

const createCaller = createCallerFactory(appRouter);

describe("health", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi();
  });
  afterAll(() => t.close());

  it("reports the version, a reachable database and its migration level", async () => {
    const db = t.db;
    const health = await t.client().api.health();
    const latest = await db.sql.query<{ name: string }>(
      `SELECT max(migration_name) AS name FROM "public"."_prisma_migrations"`,
    );
    expect(health).toMatchObject({
      status: "ok",
      version: "test",
      database: { kind: db.kind, reachable: true, migrations: { latest: latest[0]!.name } },
    });
    expect(health.database.migrations!.count).toBeGreaterThan(0);
  });

  it("says the database is unreachable instead of failing", async () => {
    const closed = await createTestDatabase();
    await closed.close();
    const health = await createCaller(createInnerContext({ ...t.services, db: closed })).health();
    expect(health).toEqual({
      status: "degraded",
      version: "test",
      database: { kind: closed.kind, reachable: false, migrations: null, latencyMs: null },
    });
  });
});
