import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@qrcoats/db/testing";
import { browserSession, sharedKeys, startHost, type BrowserSession, type RunningHost } from "@qrcoats/testing";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Live updates over real HTTP (server-sent events): on one host, and across two hosts
// sharing one PostgreSQL, where a change made through one reaches subscribers of the other.

const PASSWORD = "correct horse battery staple 42";

async function openCounter(admin: BrowserSession) {
  await admin.mutate("auth.register", { email: "live-admin@example.com", name: "Live Admin", password: PASSWORD });
  await admin.mutate("org.create", { name: "Live Ltd" });
  const venue = await admin.mutate<{ id: string }>("venue.create", {
    name: "Live Club",
    timezone: "Europe/Berlin",
    opensAt: "22:00",
    closesAt: "05:00",
  });
  await admin.mutate("rack.create", { venueId: venue.id, name: "A", slotCount: 10, kind: "HANGER" });
  await admin.mutate("shift.clockIn", { venueId: venue.id });
  return venue.id;
}

const dataOf = (event: { data: string }) => superjson.deserialize<Record<string, unknown>>(JSON.parse(event.data));

describe("live updates over HTTP on one host", () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(() => host.stop());

  it("streams a venue's scans to its admin, and still shuts down cleanly with streams open", async () => {
    const admin = browserSession(host.url);
    const venueId = await openCounter(admin);
    const feed = await admin.subscribe("qr.liveScans", { venueId });
    const ticket = await admin.mutate<{ code: string; number: number }>("qr.issueWalkIn", { venueId });
    await admin.mutate("qr.checkIn", { venueId, code: ticket.code });
    const checkIn = await feed.waitFor((event) => event.data.includes("CHECK_IN"));
    expect(checkIn?.id).toMatch(/^\d+$/);
    expect(dataOf(checkIn!)).toMatchObject({ action: "CHECK_IN", result: "OK", ticket: { number: ticket.number } });

    const started = Date.now();
    expect(await host.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    await feed.close();
  });
});

describe.runIf(testDatabaseUrl())("live updates across two hosts on one PostgreSQL", () => {
  let db: TestDatabase;
  let a: RunningHost;
  let b: RunningHost;
  beforeAll(async () => {
    db = await createTestDatabase();
    const { env } = sharedKeys();
    [a, b] = await Promise.all([startHost(env, { databaseUrl: db.url }), startHost(env, { databaseUrl: db.url })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.close();
  });

  it("a scan on one host reaches a subscriber on the other within a bounded wait", async () => {
    const admin = browserSession(a.url);
    const venueId = await openCounter(admin);
    // The admin's cookie works on both hosts: sessions live in the shared database.
    const feedOnB = await admin.subscribe("qr.liveScans", { venueId }, b.url);
    const ticket = await admin.mutate<{ code: string; number: number }>("qr.issueWalkIn", { venueId });
    const guestPage = await admin.subscribe("qr.watch", { code: ticket.code }, b.url);
    expect(await guestPage.waitFor((event) => event.data.includes('"state":"ISSUED"'))).toBeDefined();

    const sent = Date.now();
    await admin.mutate("qr.checkIn", { venueId, code: ticket.code }, a.url);
    const arrived = await feedOnB.waitFor((event) => event.data.includes("CHECK_IN"), 5_000);
    expect(arrived, "the check-in made on host A reached the feed on host B").toBeDefined();
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(await guestPage.waitFor((event) => event.data.includes('"state":"CHECKED_IN"'))).toBeDefined();

    await feedOnB.close();
    await guestPage.close();
  });

  it("a guest's pickup request made through one host reaches the counter's queue and the board on the other, and back", async () => {
    const admin = browserSession(a.url);
    await admin.mutate("auth.register", { email: "rush-admin@example.com", name: "Rush Admin", password: PASSWORD });
    await admin.mutate("org.create", { name: "Rush Ltd" });
    const venue = await admin.mutate<{ id: string }>("venue.create", {
      name: "Rush",
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
    });
    await admin.mutate("rack.create", { venueId: venue.id, name: "A", slotCount: 5, kind: "HANGER" });
    await admin.mutate("shift.clockOut", {}).catch(() => {});
    await admin.mutate("shift.clockIn", { venueId: venue.id });
    const ticket = await admin.mutate<{ code: string; number: number }>("qr.issueWalkIn", { venueId: venue.id });
    await admin.mutate("qr.checkIn", { venueId: venue.id, code: ticket.code });
    const { link } = await admin.mutate<{ link: string }>("pickup.createBoard", { venueId: venue.id, label: "Door" });

    const queueOnB = await admin.subscribe("pickup.queue", { venueId: venue.id }, b.url);
    const boardOnB = await browserSession(b.url).subscribe("pickup.board", { token: link.slice(link.indexOf("#") + 1) });
    const phone = browserSession(a.url);
    const pageOnA = await phone.subscribe("qr.watch", { code: ticket.code });
    const request = await phone.mutate<{ id: string }>("pickup.request", { code: ticket.code, requestId: crypto.randomUUID() });

    expect(await queueOnB.waitFor((event) => event.data.includes(request.id), 5_000), "the request on B's counter").toBeDefined();
    expect(await boardOnB.waitFor((event) => event.data.includes(`"getting":[${ticket.number}]`), 5_000), "on B's board").toBeDefined();
    await admin.mutate("pickup.fetched", { venueId: venue.id, requestId: request.id }, b.url);
    expect(await pageOnA.waitFor((event) => event.data.includes('"state":"READY"'), 5_000), "ready on the phone on A").toBeDefined();
    await Promise.all([queueOnB.close(), boardOnB.close(), pageOnA.close()]);
  });
});
