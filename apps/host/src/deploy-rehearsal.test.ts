import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { generateKeys } from "@qrcoats/api";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@qrcoats/db/testing";
import { freePort, openEventStream, startHost, type RunningHost } from "@qrcoats/testing";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// docs/deploy.md's setup, rehearsed without Docker: deploy/Caddyfile (its upstreams pointed
// at local ports) in front of two real hosts sharing one PostgreSQL and one set of keys.
const caddyFile = path.resolve(import.meta.dirname, "..", "..", "..", "deploy", "Caddyfile");
const caddyAvailable = (() => {
  try {
    execFileSync("caddy", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe.runIf(testDatabaseUrl() && caddyAvailable)("deployment rehearsal: Caddy, two hosts, one PostgreSQL", () => {
  let db: TestDatabase;
  let hosts: RunningHost[];
  let caddy: ChildProcess;
  let edge: string;
  let plain: string;
  let rootCa: Buffer;
  const caddyHome = fs.mkdtempSync(path.join(os.tmpdir(), "qrcoats-caddy-"));
  const metricsToken = "0123456789abcdef".repeat(4);

  beforeAll(async () => {
    db = await createTestDatabase();
    const { jwtSecret, fieldEncryption, lookup, ticketSigning } = generateKeys();
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    edge = `https://localhost:${httpsPort}`;
    plain = `http://localhost:${httpPort}`;
    const env = {
      JWT_SECRET: b64(jwtSecret),
      FIELD_ENCRYPTION_KEYS: fieldEncryption.map(({ id, key }) => `${id}:${b64(key)}`).join(","),
      LOOKUP_KEY: b64(lookup),
      TICKET_SIGNING_KEY: b64(ticketSigning),
      PUBLIC_URL: edge,
      // As compose.yaml has it: Caddy is the one hop in front.
      TRUST_PROXY: "true",
      METRICS_TOKEN: metricsToken,
    };
    hosts = await Promise.all([startHost(env, { databaseUrl: db.url }), startHost(env, { databaseUrl: db.url })]);

    const upstreams = hosts.map((host) => host.url.replace("http://", "")).join(" ");
    const site = fs.readFileSync(caddyFile, "utf8").replace("host-a:3000 host-b:3000", upstreams);
    const config = [
      `{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\thttp_port ${httpPort}\n\thttps_port ${httpsPort}\n}`,
      site.replace(/^localhost \{/m, `${edge} {`),
      // The same proxying over plain HTTP, for reading events with fetch.
      site.replace(/^localhost \{/m, `${plain} {`),
    ].join("\n");
    fs.writeFileSync(path.join(caddyHome, "Caddyfile"), config);
    caddy = spawn("caddy", ["run", "--config", path.join(caddyHome, "Caddyfile"), "--adapter", "caddyfile"], {
      env: { ...process.env, XDG_DATA_HOME: caddyHome, XDG_CONFIG_HOME: caddyHome, HOME: caddyHome },
      stdio: "ignore",
    });
    const rootFile = path.join(caddyHome, "caddy", "pki", "authorities", "local", "root.crt");
    for (let i = 0; i < 100 && !fs.existsSync(rootFile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    rootCa = fs.readFileSync(rootFile);
    for (let i = 0; i < 100; i++) {
      if ((await request(`${edge}/healthz`).catch(() => null))?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    caddy?.kill("SIGTERM");
    await Promise.all(hosts.map((host) => host.stop()));
    await db.close();
    fs.rmSync(caddyHome, { recursive: true, force: true });
  });

  function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
    return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = https.request(url, { ca: rootCa, method: options.method ?? "GET", headers: options.headers }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end(options.body);
    });
  }
  const mutate = (base: string, procedure: string, input: unknown, cookie = "") =>
    request(`${base}/trpc/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: edge, cookie },
      body: JSON.stringify(superjson.serialize(input)),
    });

  it("terminates TLS at the edge, and the hosts see HTTPS: Secure host-only cookies, HSTS", async () => {
    const signUp = await mutate(edge, "auth.register", {
      email: "edge@example.com",
      name: "Edge",
      password: "correct horse battery staple 42",
    });
    expect(signUp.status).toBe(200);
    expect((signUp.headers["set-cookie"] as string[])[0]).toMatch(/^__Host-qrcoats_session=\w+; .*Secure; SameSite=Lax$/);
    expect(signUp.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });

  it("records the client's address as Caddy saw it, not a forged X-Forwarded-For", async () => {
    const signUp = await request(`${edge}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: edge, "x-forwarded-for": "198.51.100.77" },
      body: JSON.stringify(
        superjson.serialize({ email: "forger@example.com", name: "Forger", password: "correct horse battery staple 42" }),
      ),
    });
    const cookie = (signUp.headers["set-cookie"] as string[])[0]!.split(";")[0]!;
    await mutate(edge, "org.create", { name: "Forger Ltd" }, cookie);
    const log = await request(`${edge}/trpc/audit.list?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ limit: 50 })))}`, {
      headers: { cookie, "x-forwarded-for": "198.51.100.78" },
    });
    const events = superjson.deserialize<{ items: { ipAddress: string | null }[] }>(JSON.parse(log.body).result.data).items;
    expect(new Set(events.map((event) => event.ipAddress))).toEqual(new Set(["127.0.0.1"]));
  });

  it("keeps metrics to the inside network: the edge refuses them even with the token, a host serves them", async () => {
    const authorization = `Bearer ${metricsToken}`;
    expect((await request(`${edge}/metrics`, { headers: { authorization } })).status).toBe(404);
    const direct = await fetch(`${hosts[0]!.url}/metrics`, { headers: { authorization } });
    expect(direct.status).toBe(200);
    expect(await direct.text()).toContain("qrcoats_procedure_duration_seconds");
  });

  it("spreads requests over both hosts", async () => {
    for (let i = 0; i < 12; i++) expect((await request(`${edge}/trpc/health`)).status).toBe(200);
    for (const host of hosts) expect(host.output()).toMatch(/"url":"\/trpc\/health"/);
  });

  it("passes live updates through as they happen", async () => {
    const signUp = await mutate(edge, "auth.register", {
      email: "live-edge@example.com",
      name: "Live",
      password: "correct horse battery staple 42",
    });
    const cookie = (signUp.headers["set-cookie"] as string[])[0]!.split(";")[0]!;
    await mutate(edge, "org.create", { name: "Edge Ltd" }, cookie);
    const venue = superjson.deserialize<{ id: string }>(
      JSON.parse(
        (await mutate(edge, "venue.create", { name: "Edge Club", timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" }, cookie))
          .body,
      ).result.data,
    );
    await mutate(edge, "rack.create", { venueId: venue.id, name: "A", slotCount: 5, kind: "HANGER" }, cookie);
    await mutate(edge, "shift.clockIn", { venueId: venue.id }, cookie);
    const ticket = superjson.deserialize<{ code: string }>(
      JSON.parse((await mutate(edge, "qr.issueWalkIn", { venueId: venue.id }, cookie)).body).result.data,
    );

    const page = await openEventStream(
      `${plain}/trpc/qr.watch?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ code: ticket.code })))}`,
    );
    expect(await page.waitFor((event) => event.data.includes('"state":"ISSUED"'))).toBeDefined();
    await mutate(edge, "qr.checkIn", { venueId: venue.id, code: ticket.code }, cookie);
    expect(await page.waitFor((event) => event.data.includes('"state":"CHECKED_IN"'))).toBeDefined();
    await page.close();
  });

  it("keeps serving while one host stops", async () => {
    await hosts[0]!.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await request(`${edge}/trpc/health`)).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
  });
});
