import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { createApiConfig, generateKeys, LiveHub } from "@qrcoats/api";
import { createTestDatabase, type TestDatabase } from "@qrcoats/db/testing";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";
import { buildServer } from "./server";

// Single-box installs serve HTTPS themselves. The test makes a certificate for localhost
// and trusts exactly that one, so TLS is verified for real, not switched off.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-tls-"));
const certFile = path.join(dir, "cert.pem");
const keyFile = path.join(dir, "key.pem");
execFileSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ],
  { stdio: "ignore" },
);
const cert = fs.readFileSync(certFile);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = https.request(url, { ca: cert, method: options.method ?? "GET", headers: options.headers }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("the host over HTTPS", () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const { jwtSecret, ...keys } = generateKeys();
    server = await buildServer({
      services: {
        db,
        version: "tls",
        config: createApiConfig({ publicUrl: "https://localhost", jwtSecret, keys }),
        clock: () => new Date(),
        live: new LiveHub(db),
      },
      logger: pino({ level: "silent" }),
      apps: [],
      tls: { cert, key: fs.readFileSync(keyFile) },
    });
    await server.listen({ host: "127.0.0.1", port: 0 });
    base = `https://localhost:${(server.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it("answers over TLS with HSTS, and sets the session cookie Secure and host-only", async () => {
    const health = await request(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");

    const signUp = await request(`${base}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify(superjson.serialize({ email: "tls@example.com", name: "Tee", password: "correct horse battery staple 42" })),
    });
    expect(signUp.status).toBe(200);
    expect((signUp.headers["set-cookie"] as string[])[0]).toMatch(/^__Host-qrcoats_session=\w+; .*HttpOnly; Secure; SameSite=Lax$/);
  });

  it("does not speak plain HTTP on the same port", async () => {
    await expect(fetch(base.replace("https:", "http:") + "/healthz")).rejects.toThrow();
  });
});

describe("TLS configuration", () => {
  it("needs both files, and files that exist", () => {
    expect(() => loadConfig({ TLS_CERT_FILE: certFile })).toThrow(/TLS_CERT_FILE, TLS_KEY_FILE: set both/);
    expect(() => loadConfig({ TLS_CERT_FILE: "/nope/cert.pem", TLS_KEY_FILE: "/nope/key.pem" })).toThrow(ConfigError);
    expect(loadConfig({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, PORT: "8443" }).PUBLIC_URL).toBe("https://localhost:8443");
  });
});
