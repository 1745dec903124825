import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "./testing";
import { prismaRunner, type SqlRunner } from "./sql";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** Sends a notification; as a row source, since Prisma cannot read pg_notify's void result. */
async function notify(sql: SqlRunner, channel: string, payload: string) {
  await sql.query(`SELECT 1 FROM pg_notify($1, $2)`, [channel, payload]);
}

/** Collects payloads on a channel and lets a test wait for them. */
async function collect(target: TestDatabase, channel: string) {
  const payloads: string[] = [];
  const stop = await target.listen(channel, (payload) => payloads.push(payload));
  const waitFor = async (count: number) => {
    for (let i = 0; i < 100 && payloads.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    return payloads;
  };
  return { payloads, stop, waitFor };
}

describe(`NOTIFY on ${testDatabaseUrl() ? "PostgreSQL" : "embedded PGlite"}`, () => {
  it("reaches listeners only when the transaction commits, and never after a rollback", async () => {
    const heard = await collect(db, "qrcoats_test");
    await db.prisma.$transaction(async (tx) => {
      await notify(prismaRunner(tx), "qrcoats_test", "committed");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard.payloads).toEqual([]);
    });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await notify(prismaRunner(tx), "qrcoats_test", "rolled back");
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await heard.waitFor(1)).toEqual(["committed"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard.payloads).toEqual(["committed"]);
    await heard.stop();
  });

  it("announces every scan event and every ticket state change, ids only", async () => {
    const scans = await collect(db, "qrcoats_scan_events");
    const tickets = await collect(db, "qrcoats_tickets");
    const org = await db.prisma.organization.create({ data: { name: "Notify Club" } });
    const venue = await db.prisma.venue.create({
      data: { organizationId: org.id, name: "Main", timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" },
    });
    const ticket = await db.prisma.ticket.create({
      data: { publicId: "abc", organizationId: org.id, venueId: venue.id, number: 1 },
    });
    const event = await db.prisma.scanEvent.create({
      data: { organizationId: org.id, venueId: venue.id, ticketId: ticket.id, action: "SCAN", result: "OK" },
    });
    await db.prisma.ticket.update({ where: { id: ticket.id }, data: { state: "VOIDED" } });
    await db.prisma.ticket.update({ where: { id: ticket.id }, data: { voidReason: "no state change, no notice" } });

    expect((await scans.waitFor(1)).map((p) => JSON.parse(p))).toEqual([
      { id: String(event.id), organizationId: org.id, venueId: venue.id, ticketId: ticket.id },
    ]);
    expect((await tickets.waitFor(1)).map((p) => JSON.parse(p))).toEqual([
      { ticketId: ticket.id, organizationId: org.id, venueId: venue.id, state: "VOIDED", slotId: null, updatedAt: expect.any(String) },
    ]);
    await scans.stop();
    await tickets.stop();
  });
});

describe.runIf(testDatabaseUrl())("NOTIFY across hosts (PostgreSQL)", () => {
  it("reaches a listener on another connection pool, and again after its connection is killed", async () => {
    const otherHost = await openDatabase({ url: db.url! });
    const heard = await collect(db, "qrcoats_cross");
    await notify(otherHost.sql, "qrcoats_cross", "from the other host");
    expect(await heard.waitFor(1)).toEqual(["from the other host"]);

    await otherHost.sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN qrcoats_cross%'`,
    );
    // The listener reconnects and listens again; keep notifying until it hears one.
    for (let i = 0; i < 50 && heard.payloads.length < 2; i++) {
      await notify(otherHost.sql, "qrcoats_cross", "after the drop");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(heard.payloads).toContain("after the drop");
    await heard.stop();
    await otherHost.close();
  });
});
