import { createApiConfig, createInProcessClient, generateKeys, LiveHub, type ApiServices } from "@qrcoats/api";
import { createQRcoatsClient, MAX_BATCH_SIZE } from "@qrcoats/api/client";
import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";

// The typed client other TypeScript projects import, against a real host over HTTP.
const PASSWORD = "correct horse battery staple 42";

describe("the typed client (@qrcoats/api/client)", () => {
  let db: TestDatabase;
  let services: ApiServices;
  let server: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const { jwtSecret, ...keys } = generateKeys();
    // Access tokens of 6 s, so that refreshing happens within a test.
    const config = createApiConfig({ publicUrl: "http://localhost", jwtSecret, keys }, { auth: { accessTokenTtlSeconds: 6 } });
    services = { db, version: "test", config, clock: () => new Date(), live: new LiveHub(db) };
    server = await buildServer({ services, logger: pino({ level: "silent" }), apps: [] });
    url = `${await server.listen({ host: "127.0.0.1", port: 0 })}/trpc`;
    await createInProcessClient(services).api.auth.register({ email: "robot@example.com", name: "Robot", password: PASSWORD });
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  const auditCount = async (type: string) =>
    (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth.audit_events WHERE type = $1`, [type]))[0]!.n;

  it("signs in on first use and calls typed procedures with a bearer token", async () => {
    const client = createQRcoatsClient({ url, email: "robot@example.com", password: PASSWORD });
    expect(client.accessTokenExpiresAt()).toBeNull();
    const me = await client.api.auth.me.query();
    expect(me.user).toMatchObject({ email: "robot@example.com", name: "Robot" });
    expect(client.accessTokenExpiresAt()!.getTime()).toBeGreaterThan(Date.now());
    await client.signOut();
  });

  it("splits many calls at once into batches the host accepts", async () => {
    const client = createQRcoatsClient({ url, email: "robot@example.com", password: PASSWORD });
    const results = await Promise.all(Array.from({ length: 3 * MAX_BATCH_SIZE + 1 }, () => client.api.health.query()));
    expect(results.every((health) => health.status === "ok")).toBe(true);
    await client.signOut();
  });

  it("refreshes before the token expires, once for many waiting calls, unnoticed by the caller", async () => {
    const client = createQRcoatsClient({ url, email: "robot@example.com", password: PASSWORD, refreshMarginSeconds: 4 });
    await client.api.auth.me.query();
    const firstExpiry = client.accessTokenExpiresAt()!;
    const refreshesBefore = await auditCount("TOKEN_REFRESHED");

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const results = await Promise.all(Array.from({ length: 10 }, () => client.api.auth.me.query()));
    expect(results.every((me) => me.user.email === "robot@example.com")).toBe(true);
    expect(client.accessTokenExpiresAt()!.getTime()).toBeGreaterThan(firstExpiry.getTime());
    expect((await auditCount("TOKEN_REFRESHED")) - refreshesBefore).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect((await client.api.auth.me.query()).user.email).toBe("robot@example.com");
    await client.signOut();
  });

  it("signs in again when its refresh token is refused", async () => {
    const client = createQRcoatsClient({ url, email: "robot@example.com", password: PASSWORD, refreshMarginSeconds: 5 });
    await client.api.auth.me.query();
    // Everything of this account ends elsewhere (a password manager's "sign out everywhere").
    const other = createQRcoatsClient({ url, email: "robot@example.com", password: PASSWORD });
    await other.api.auth.logoutEverywhere.mutate();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await client.api.auth.me.query()).user.email).toBe("robot@example.com");
  });

  it("surfaces typed refusals", async () => {
    const client = createQRcoatsClient({ url, email: "robot@example.com", password: "wrong password entirely" });
    await expect(client.api.auth.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });
});
