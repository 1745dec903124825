import { createApiConfig, generateKeys, LiveHub } from "@qrcoats/api";
import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";
import { parseTrustProxy } from "./trust-proxy";

// Auth over real HTTP: what the API does with cookies and errors, as a browser receives it.
const PASSWORD = "correct horse battery staple 42";

type TrpcBody = {
  result?: { data: { json: { user: { email: string } } } };
  error?: {
    json: {
      message: string;
      data: { code: string; retryAfterSeconds: number | null; zodError: { fieldErrors: Record<string, string[]> } | null };
    };
  };
};
const body = async (response: Response) => (await response.json()) as TrpcBody;

/** The API alone over HTTP, with sign-in limits (per 15 minutes) small enough to reach in a test. */
function apiServer(db: TestDatabase, signIns: { perAccountAddress: number; perAddress: number }, trustProxy?: string) {
  const { jwtSecret, ...keys } = generateKeys();
  const window = (max: number) => ({ max, windowSeconds: 900 });
  const config = createApiConfig(
    { publicUrl: "http://localhost", jwtSecret, keys },
    {
      auth: {
        limits: {
          ...createApiConfig({ publicUrl: "http://localhost", jwtSecret, keys }).auth.limits,
          signInFailuresPerAccountAddress: window(signIns.perAccountAddress),
          signInFailuresPerAddress: window(signIns.perAddress),
        },
      },
    },
  );
  const services = { db, version: "test", config, clock: () => new Date(), live: new LiveHub(db) };
  return buildServer({ services, logger: pino({ level: "silent" }), apps: [], trustProxy: parseTrustProxy(trustProxy) });
}

describe("auth over HTTP", () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await apiServer(db, { perAccountAddress: 2, perAddress: 100 }, "127.0.0.1");
    base = await server.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  const mutation = (path: string, input: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base, ...headers },
      body: JSON.stringify(superjson.serialize(input)),
    });

  it("sets the session cookie on sign-up and accepts it on the next request", async () => {
    const response = await mutation("auth.register", { email: "http@example.com", name: "Http", password: PASSWORD });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie();
    expect(cookie).toHaveLength(1);
    expect(cookie[0]).toMatch(/^qrcoats_session=\w+; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/);

    const me = await fetch(`${base}/trpc/auth.me`, { headers: { cookie: cookie[0]!.split(";")[0]! } });
    expect(me.status).toBe(200);
    expect((await body(me)).result!.data.json.user.email).toBe("http@example.com");
  });

  it("answers no credentials with 401 and a foreign origin with 403", async () => {
    expect((await fetch(`${base}/trpc/auth.me`)).status).toBe(401);
    const forged = await mutation("auth.login", { email: "http@example.com", password: PASSWORD }, { origin: "https://evil.example" });
    expect(forged.status).toBe(403);
  });

  it("marks the cookie Secure behind a trusted TLS proxy", async () => {
    const response = await mutation(
      "auth.login",
      { email: "http@example.com", password: PASSWORD },
      { "x-forwarded-proto": "https", origin: base.replace("http:", "https:") },
    );
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()[0]).toMatch(/^__Host-qrcoats_session=\w+; .*HttpOnly; Secure; SameSite=Lax$/);
  });

  it("says when to retry once sign-ins are limited, with a Retry-After header", async () => {
    for (let i = 0; i < 2; i++) await mutation("auth.login", { email: "http@example.com", password: "wrong one" });
    const limited = await mutation("auth.login", { email: "http@example.com", password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    const { error } = await body(limited);
    expect(error!.json.data).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: expect.any(Number) });
    expect(error!.json.message).toMatch(/^Too many sign-in attempts\. Try again in \d+ minutes\.$/);
  });

  it("returns field errors for invalid input, and no stack trace", async () => {
    const response = await mutation("auth.register", { email: "nope", name: "", password: "x" });
    expect(response.status).toBe(400);
    const refused = await body(response);
    expect(refused.error!.json.data.zodError!.fieldErrors).toMatchObject({
      email: ["Enter a valid email address."],
      password: ["Use at least 10 characters."],
    });
    expect(JSON.stringify(refused)).not.toMatch(/stack|\.ts:\d+/);
  });
});

describe("forwarded headers without a trusted proxy", () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await apiServer(db, { perAccountAddress: 100, perAddress: 3 });
    base = await server.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  const login = (headers: Record<string, string>) =>
    fetch(`${base}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base, ...headers },
      body: JSON.stringify(superjson.serialize({ email: "nobody@example.com", password: "a wrong password" })),
    });

  it("are ignored: a forged X-Forwarded-For does not dodge the per-address limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login({ "x-forwarded-for": `198.51.100.${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it("are ignored: X-Forwarded-Proto does not make the cookie Secure over plain HTTP", async () => {
    const response = await fetch(`${base}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base, "x-forwarded-proto": "https" },
      body: JSON.stringify(superjson.serialize({ email: "plain@example.com", name: "Plain", password: PASSWORD })),
    });
    expect(response.headers.getSetCookie()[0]).toMatch(/^qrcoats_session=/);
    expect(response.headers.getSetCookie()[0]).not.toContain("Secure");
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });
});
