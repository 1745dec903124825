import { randomBytes } from "node:crypto";
import { createApiConfig, generateKeys, LiveHub } from "@qrcoats/api";
import { createTestDatabase, testDatabaseUrl } from "@qrcoats/db/testing";
import { browserSession, startHost, type RunningHost } from "@qrcoats/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";

// The Prometheus endpoint of the host as `npm start` runs it, scraped over real HTTP after
// real counter work, on whichever engine the tests run on.

const PASSWORD = "correct horse battery staple 42";

/** The value of the sample named `name` whose labels include `labels`, or undefined. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of exposition.split("\n")) {
    const [series, value] = line.split(" ");
    if (series === undefined || value === undefined) continue;
    const brace = series.indexOf("{");
    if ((brace < 0 ? series : series.slice(0, brace)) !== name) continue;
    if (wanted.every((pair) => series.includes(pair))) return Number(value);
  }
  return undefined;
}

describe(`GET /metrics on ${testDatabaseUrl() ? "PostgreSQL" : "embedded PGlite"}`, () => {
  const token = randomBytes(32).toString("hex");
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ METRICS_TOKEN: token });
  });
  afterAll(() => host?.stop());

  const scrape = (authorization?: string) => fetch(`${host.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it("refuses a scrape without the token, with another token, or with the token not as a bearer", async () => {
    for (const authorization of [undefined, `Bearer ${randomBytes(32).toString("hex")}`, `Bearer ${token}x`, `Basic ${token}`, token]) {
      const response = await scrape(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain("qrcoats_");
    }
  });

  it("reports procedures, counter actions, refusals by reason, open streams, job runs and the database pool", async () => {
    const admin = browserSession(host.url);
    await admin.mutate("auth.register", { email: "metrics-admin@example.com", name: "Metrics Admin", password: PASSWORD });
    await admin.mutate("org.create", { name: "Metrics Ltd" });
    const venue = await admin.mutate<{ id: string }>("venue.create", {
      name: "Metrics Club",
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
    });
    await admin.mutate("rack.create", { venueId: venue.id, name: "A", slotCount: 5, kind: "HANGER" });
    await admin.mutate("shift.clockIn", { venueId: venue.id });
    const ticket = await admin.mutate<{ code: string }>("qr.issueWalkIn", { venueId: venue.id });
    await admin.mutate("qr.checkIn", { venueId: venue.id, code: ticket.code });
    const refused = await admin.answer("qr.scan", { venueId: venue.id, code: "not-one-of-ours" });
    expect(refused).toMatchObject({ answered: true, code: "NOT_FOUND" });
    const watcher = await admin.subscribe("qr.watch", { code: ticket.code });
    expect(await watcher.waitFor((event) => event.data.includes("CHECKED_IN"))).toBeDefined();

    // The notifications job runs every two seconds; wait for its first run.
    let exposition = "";
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
      const response = await scrape(`Bearer ${token}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      exposition = await response.text();
      if ((sample(exposition, "qrcoats_job_runs_total", { job: "notifications", result: "ok" }) ?? 0) > 0) break;
    }
    await watcher.close();

    expect(sample(exposition, "qrcoats_procedure_duration_seconds_count", { procedure: "qr.checkIn", code: "OK" })).toBe(1);
    expect(sample(exposition, "qrcoats_procedure_duration_seconds_bucket", { procedure: "qr.checkIn", code: "OK", le: "+Inf" })).toBe(1);
    expect(sample(exposition, "qrcoats_procedure_duration_seconds_sum", { procedure: "qr.checkIn", code: "OK" })).toBeGreaterThan(0);
    expect(sample(exposition, "qrcoats_procedure_duration_seconds_count", { procedure: "qr.scan", code: "NOT_FOUND" })).toBe(1);
    expect(sample(exposition, "qrcoats_counter_actions_total", { action: "ISSUE", result: "OK" })).toBe(1);
    expect(sample(exposition, "qrcoats_counter_actions_total", { action: "CHECK_IN", result: "OK" })).toBe(1);
    expect(sample(exposition, "qrcoats_counter_actions_total", { action: "SCAN", result: "REFUSED" })).toBe(1);
    expect(sample(exposition, "qrcoats_counter_refusals_total", { action: "SCAN", reason: "UNKNOWN_CODE" })).toBe(1);
    expect(sample(exposition, "qrcoats_live_streams_open")).toBe(1);
    // The one stream is a ticket's page, which follows two channels (its state, and pickups).
    expect(sample(exposition, "qrcoats_live_subscribers")).toBe(2);
    expect(sample(exposition, "qrcoats_job_runs_total", { job: "notifications", result: "ok" })).toBeGreaterThan(0);
    // Every job has its series from the start, so that its first failure counts as an increase.
    expect(sample(exposition, "qrcoats_job_runs_total", { job: "retention", result: "failed" })).toBe(0);
    expect(sample(exposition, "qrcoats_job_last_success_timestamp_seconds", { job: "notifications" })).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(sample(exposition, "qrcoats_build_info", { database: testDatabaseUrl() ? "postgres" : "embedded" })).toBe(1);
    expect(sample(exposition, "process_cpu_seconds_total")).toBeGreaterThan(0);
    // Only ids would make these unbounded; none are labels.
    expect(exposition).not.toContain(venue.id);
    if (testDatabaseUrl()) {
      expect(sample(exposition, "qrcoats_db_pool_max_connections")).toBe(10);
      expect(sample(exposition, "qrcoats_db_pool_open_connections")).toBeGreaterThan(0);
      expect(sample(exposition, "qrcoats_db_pool_waiting_queries")).toBe(0);
    } else {
      expect(exposition).not.toContain("qrcoats_db_pool_");
    }
  });
});

describe("GET /metrics without METRICS_TOKEN", () => {
  it("does not exist", async () => {
    const db = await createTestDatabase();
    const { jwtSecret, ...keys } = generateKeys();
    const live = new LiveHub(db);
    const config = createApiConfig({ publicUrl: "http://localhost", jwtSecret, keys });
    const server = await buildServer({
      services: { db, version: "test", config, clock: () => new Date(), live },
      logger: pino({ level: "silent" }),
      apps: [],
    });
    try {
      const base = await server.listen({ host: "127.0.0.1", port: 0 });
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("qrcoats_");
    } finally {
      await server.close();
      await db.close();
    }
  });
});
