import { createTestDatabase } from "@qrcoats/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../testing";
import { checkHealth } from "./health";

describe("health", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await createTestApi();
  });
  afterAll(() => t.close());

  it("tells anyone but an admin only the status: no version, no migration names", async () => {
    const guest = await t.signUp({ email: "health-guest@example.com" });
    for (const health of [await t.client().api.health(), await guest.api.health()]) {
      expect(health).toEqual({ view: "public", status: "ok" });
    }
  });

  it("reports to an admin the version, a reachable database and its migration level", async () => {
    const db = t.db;
    const admin = await t.signUpAdmin("Health Ltd", "health-admin@example.com");
    const health = await admin.api.health();
    if (health.view !== "admin") throw new Error("an admin gets the details");
    const latest = await db.sql.query<{ name: string }>(`SELECT max(migration_name) AS name FROM "public"."_prisma_migrations"`);
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
    const health = await checkHealth({ db: closed, version: "test" });
    expect(health).toEqual({
      status: "degraded",
      version: "test",
      database: { kind: closed.kind, reachable: false, migrations: null, latencyMs: null },
    });
  });
});
