import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createApiConfig, generateKeys, LiveHub, type ApiServices } from "@qrcoats/api";
import { MAX_BATCH_SIZE } from "@qrcoats/api/client";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@qrcoats/db/testing";
import { buildHost, startHost } from "@qrcoats/testing";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";
import { parseTrustProxy } from "./trust-proxy";

function servicesFor(db: TestDatabase, publicUrl = "http://localhost"): ApiServices {
  const { jwtSecret, ...keys } = generateKeys();
  return { db, version: "9.9.9", config: createApiConfig({ publicUrl, jwtSecret, keys }), clock: () => new Date(), live: new LiveHub(db) };
}

/** Both apps as a build leaves them, in miniature: an index page and one hashed asset each. */
function builtApps(root: string) {
  for (const name of ["web", "admin"]) {
    fs.mkdirSync(path.join(root, name, "assets"), { recursive: true });
    fs.writeFileSync(path.join(root, name, "index.html"), `<title>${name} index</title>`);
    fs.writeFileSync(path.join(root, name, "assets", "app-1234.js"), `console.log("${name}")`);
    fs.writeFileSync(path.join(root, name, "assets", "app-1234.js.map"), `{"version":3,"sourcesContent":["secret ${name}"]}`);
  }
  return [
    { name: "admin", prefix: "/admin/", root: path.join(root, "admin") },
    { name: "web", prefix: "/", root: path.join(root, "web") },
  ];
}

describe("the HTTP host", () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let base: string;
  const appsRoot = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-apps-"));

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await buildServer({ services: servicesFor(db), logger: pino({ level: "silent" }), apps: builtApps(appsRoot) });
    base = await server.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    fs.rmSync(appsRoot, { recursive: true, force: true });
  });

  const page = (url: string) => fetch(`${base}${url}`, { headers: { accept: "text/html" } });

  it("answers /healthz with the database's state and nothing else: no version, no migration names", async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("serves tRPC at /trpc with superjson", async () => {
    const response = await fetch(`${base}/trpc/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { json: unknown } } };
    expect(body.result.data.json).toEqual({ view: "public", status: "ok" });
  });

  it("answers an unknown procedure with a typed NOT_FOUND, not a page", async () => {
    const response = await fetch(`${base}/trpc/nope`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { json: { data: { code: string } } } };
    expect(body.error.json.data.code).toBe("NOT_FOUND");
  });

  it("serves the web app at / and falls back to its index for app routes", async () => {
    for (const url of ["/", "/tickets/abc", "/counter?venue=1"]) {
      const response = await page(url);
      expect(response.status, url).toBe(200);
      expect(await response.text()).toContain("web index");
      expect(response.headers.get("cache-control")).toBe("no-cache");
    }
  });

  it("serves the admin app under /admin with its own fallback", async () => {
    expect((await fetch(`${base}/admin`, { redirect: "manual" })).headers.get("location")).toBe("/admin/");
    for (const url of ["/admin/", "/admin/employees/42"]) {
      const response = await page(url);
      expect(response.status, url).toBe(200);
      expect(await response.text()).toContain("admin index");
    }
  });

  it("caches fingerprinted assets for good and 404s missing files", async () => {
    const asset = await fetch(`${base}/admin/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toContain('"admin"');
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await page("/assets/missing-0000.js")).status).toBe(404);
    expect((await fetch(`${base}/nothing-here`, { headers: { accept: "application/json" } })).status).toBe(404);
  });

  it("never serves source maps, which would hand out the apps' source", async () => {
    for (const url of ["/assets/app-1234.js.map", "/admin/assets/app-1234.js.map", "/admin/assets/app-1234.js.map?x=1"]) {
      const response = await page(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain("sourcesContent");
    }
  });

  it("refuses a batch of more calls than MAX_BATCH_SIZE as a typed BAD_REQUEST, and takes one of that size", async () => {
    const batch = (size: number) =>
      fetch(`${base}/trpc/${Array.from({ length: size }, () => "health").join(",")}?batch=1&input=${encodeURIComponent("{}")}`);
    expect((await batch(MAX_BATCH_SIZE)).status).toBe(200);
    const refused = await batch(MAX_BATCH_SIZE + 1);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { json: { data: { code: "BAD_REQUEST" } } } });
  });

  it("refuses request bodies over its limit with 413, in words a client can read", async () => {
    const response = await fetch(`${base}/trpc/health`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(300 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: "FST_ERR_CTP_BODY_TOO_LARGE" });
  });
});

describe("the host process", () => {
  it("starts from its start script, migrates, and stops cleanly on SIGTERM", async () => {
    const host = await startHost();
    expect(await (await fetch(`${host.url}/healthz`)).json()).toEqual({ status: "ok" });
    // A fresh embedded database is migrated by the host; a PostgreSQL test database comes migrated.
    if (!testDatabaseUrl()) expect(host.output()).toMatch(/"migration":"\d{14}_\w+","msg":"migration applied"/);
    expect(await host.stop()).toBe(0);
    expect(host.output()).toMatch(/"msg":"stopped"/);
  });

  it("runs in production as plain node on the build: no TypeScript loader at run time", async () => {
    const hostDir = path.resolve(import.meta.dirname, "..");
    const { scripts, dependencies } = JSON.parse(fs.readFileSync(path.join(hostDir, "package.json"), "utf8"));
    for (const name of ["start", "job", "migrate"]) expect(scripts[name], name).toMatch(/^node (--[\w-]+=?\S* )*dist\/[\w-]+\.js$/);
    expect(Object.keys(dependencies)).not.toContain("tsx");
    const dockerfile = fs.readFileSync(path.join(hostDir, "..", "..", "Dockerfile"), "utf8");
    expect((JSON.parse(dockerfile.match(/^CMD (.*)$/m)![1]!) as string[]).join(" ")).toBe(scripts.start);
    await buildHost();
    const bundle = fs.readFileSync(path.join(hostDir, "dist", "main.js"), "utf8");
    expect(bundle).not.toMatch(/from "tsx|from "@qrcoats\//);
  });

  it("keeps DATA_DIR, its keys and its embedded database to its own user", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-private-"));
    // As an older release or a hand-made folder might have left it.
    fs.chmodSync(dataDir, 0o755);
    const host = await startHost({ DATA_DIR: dataDir, DATABASE_URL: "" });
    try {
      const open: string[] = [];
      for (const entry of [dataDir, ...fs.readdirSync(dataDir, { recursive: true }).map((name) => path.join(dataDir, String(name)))]) {
        const mode = fs.lstatSync(entry).mode;
        if (mode & 0o077) open.push(`${(mode & 0o777).toString(8)} ${path.relative(dataDir, entry)}`);
      }
      expect(fs.existsSync(path.join(dataDir, "secrets.json"))).toBe(true);
      expect(fs.existsSync(path.join(dataDir, "pglite", "PG_VERSION"))).toBe(true);
      expect(open).toEqual([]);
    } finally {
      await host.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // The seed plays two whole nights through the API before the host listens: give it time.
  it("seeds the demo organization, whose password is published, on the embedded default only", { timeout: 120_000 }, async () => {
    const host = await startHost({ DEMO_DATA: "auto" });
    try {
      if (testDatabaseUrl()) expect(host.output()).not.toContain("Demo sign-ins");
      else expect(host.output()).toContain("Demo sign-ins");
    } finally {
      await host.stop();
    }
  });

  it("refuses to start on a bad setting, naming it", async () => {
    await expect(startHost({ PORT: "not-a-port" })).rejects.toThrow(/PORT: /);
  });
});

describe("security headers", () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let base: string;
  const appsRoot = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-apps-"));

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await buildServer({
      services: servicesFor(db),
      logger: pino({ level: "silent" }),
      apps: builtApps(appsRoot),
      trustProxy: parseTrustProxy("127.0.0.1"),
    });
    base = await server.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    fs.rmSync(appsRoot, { recursive: true, force: true });
  });

  it("limit pages of both apps to their own origin, forbid framing and sniffing, and send no referrer", async () => {
    for (const url of ["/", "/t/some-ticket", "/admin/", "/admin/employees", "/trpc/health", "/healthz"]) {
      const headers = (await fetch(`${base}${url}`, { headers: { accept: "text/html" } })).headers;
      const csp = headers.get("content-security-policy")!;
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).not.toContain("unsafe-inline");
      expect(headers.get("x-content-type-options"), url).toBe("nosniff");
      expect(headers.get("x-frame-options"), url).toBe("DENY");
      expect(headers.get("referrer-policy"), url).toBe("no-referrer");
      expect(headers.get("permissions-policy"), url).toContain("camera=(self)");
      expect(headers.get("x-powered-by"), url).toBeNull();
    }
  });

  it("send HSTS only over HTTPS", async () => {
    expect((await fetch(`${base}/`)).headers.get("strict-transport-security")).toBeNull();
    const viaTls = await fetch(`${base}/`, { headers: { "x-forwarded-proto": "https" } });
    expect(viaTls.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  });
});

describe("requests that arrive too slowly", () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await buildServer({ services: servicesFor(db), logger: pino({ level: "silent" }), requestTimeoutMs: 1_000 });
    await server.listen({ host: "127.0.0.1", port: 0 });
    port = (server.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it("are cut off with 408 once their time is up, however steadily they trickle in (slow loris)", async () => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
    const started = Date.now();
    socket.write("POST /trpc/auth.login HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    // A header line every 200 ms keeps the socket busy, so only the request timeout can end it.
    const trickle = setInterval(() => socket.writable && socket.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
    const closedAt = await closed;
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAt - started).toBeGreaterThanOrEqual(1_000);
    expect(closedAt - started).toBeLessThan(3_500);
  });
});

describe("a procedure that fails inside", () => {
  it("answers INTERNAL_SERVER_ERROR with neither a stack trace nor the database's own words", async () => {
    const db = await createTestDatabase();
    const server = await buildServer({ services: servicesFor(db), logger: pino({ level: "silent" }) });
    const base = await server.listen({ host: "127.0.0.1", port: 0 });
    // A real fault: the database goes away under a running host.
    await db.close();
    try {
      const response = await fetch(`${base}/trpc/venue.list`);
      const body = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(body)).toMatchObject({
        error: { json: { message: "Something went wrong on our side. Try again in a moment.", data: { code: "INTERNAL_SERVER_ERROR" } } },
      });
      expect(body).not.toMatch(/stack|\.ts:\d+|\.js:\d+|node_modules|\bat \w+ \(/);
      expect(body).not.toMatch(/pool|PGlite|closed|prisma|SELECT|qr\./i);
    } finally {
      await server.close();
    }
  });
});
