import { createApiConfig, createInProcessClient, generateKeys, LiveHub, type ApiServices } from "@qrcoats/api";
import { createQRcoatsClient, MAX_BATCH_SIZE, type QRcoatsClientOptions } from "@qrcoats/api/client";
import { TestClock } from "@qrcoats/api/testing";
import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";

// The typed client other TypeScript projects import, against a real host over HTTP.
const PASSWORD = "correct horse battery staple 42";
// The host and every client read one clock that the tests move, so that tokens expire
// without waiting for them.
const clock = new TestClock();

describe("the typed client (@qrcoats/api/client)", () => {
  let db: TestDatabase;
  let services: ApiServices;
  let server: FastifyInstance;
  let url: string;
  let accessTokenTtlMs: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    const { jwtSecret, ...keys } = generateKeys();
    const config = createApiConfig({ publicUrl: "http://localhost", jwtSecret, keys });
    accessTokenTtlMs = config.auth.accessTokenTtlSeconds * 1000;
    services = { db, version: "test", config, clock: clock.now, live: new LiveHub(db) };
    server = await buildServer({ services, logger: pino({ level: "silent" }), apps: [] });
    url = `${await server.listen({ host: "127.0.0.1", port: 0 })}/trpc`;
    await createInProcessClient(services).api.auth.register({ email: "robot@example.com", name: "Robot", password: PASSWORD });
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  const robot = (options: Partial<QRcoatsClientOptions> = {}) =>
    createQRcoatsClient({ url, email: "robot@example.com", password: PASSWORD, now: () => clock.now().getTime(), ...options });
  const auditCount = async (type: string) =>
    (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth.audit_events WHERE type = $1`, [type]))[0]!.n;

  it("signs in on first use and calls typed procedures with a bearer token", async () => {
    const client = robot();
    expect(client.accessTokenExpiresAt()).toBeNull();
    const me = await client.api.auth.me.query();
    expect(me.user).toMatchObject({ email: "robot@example.com", name: "Robot" });
    expect(client.accessTokenExpiresAt()!.getTime()).toBeGreaterThan(clock.now().getTime());
    await client.signOut();
  });

  it("splits many calls at once into batches the host accepts", async () => {
    const client = robot();
    const results = await Promise.all(Array.from({ length: 3 * MAX_BATCH_SIZE + 1 }, () => client.api.health.query()));
    expect(results.every((health) => health.status === "ok")).toBe(true);
    await client.signOut();
  });

  it("refreshes before the token expires, once for many waiting calls, unnoticed by the caller", async () => {
    const marginMs = 60_000;
    const client = robot({ refreshMarginSeconds: marginMs / 1000 });
    await client.api.auth.me.query();
    const firstExpiry = client.accessTokenExpiresAt()!;
    const refreshesBefore = await auditCount("TOKEN_REFRESHED");

    clock.advance(accessTokenTtlMs - marginMs - 1_000);
    await client.api.auth.me.query();
    expect(client.accessTokenExpiresAt()).toEqual(firstExpiry);

    clock.advance(2_000);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.api.auth.me.query()));
    expect(results.every((me) => me.user.email === "robot@example.com")).toBe(true);
    expect(clock.now().getTime()).toBeLessThan(firstExpiry.getTime());
    expect(client.accessTokenExpiresAt()!.getTime()).toBeGreaterThan(firstExpiry.getTime());
    expect((await auditCount("TOKEN_REFRESHED")) - refreshesBefore).toBe(1);

    // Long idle: the access token has expired, and the refresh token still swaps for a pair.
    clock.advance(accessTokenTtlMs + 1_000);
    expect((await client.api.auth.me.query()).user.email).toBe("robot@example.com");
    expect((await auditCount("TOKEN_REFRESHED")) - refreshesBefore).toBe(2);
    await client.signOut();
  });

  it("signs in again when its refresh token is refused", async () => {
    const marginMs = 60_000;
    const client = robot({ refreshMarginSeconds: marginMs / 1000 });
    await client.api.auth.me.query();
    // Everything of this account ends elsewhere (a password manager's "sign out everywhere").
    const other = robot();
    await other.api.auth.logoutEverywhere.mutate();
    const signInsBefore = await auditCount("TOKEN_ISSUED");

    clock.advance(accessTokenTtlMs - marginMs + 1_000);
    expect((await client.api.auth.me.query()).user.email).toBe("robot@example.com");
    expect((await auditCount("TOKEN_ISSUED")) - signInsBefore).toBe(1);
  });

  it("surfaces typed refusals", async () => {
    const client = robot({ password: "wrong password entirely" });
    await expect(client.api.auth.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });
});
