import { connectPostgres } from "@qrcoats/db";
import { testDatabaseUrl } from "@qrcoats/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusalOf, type TestApi } from "../testing";
import type { CounterResult } from "./counter";
import { hireAttendantOnShift, onShiftAt, openVenue, type hireAttendant } from "./testing";

// Many attendants acting at once: on PostgreSQL these transactions really run in parallel
// (READ COMMITTED); on the embedded database they queue. Both must end the same way.

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let attendants: Awaited<ReturnType<typeof hireAttendant>>[];

const RUSH = 50;

beforeAll(async () => {
  t = await createTestApi();
  club = await openVenue(t, "Rush", { hangers: RUSH });
  attendants = [
    await hireAttendantOnShift(t, club.organizationId, "one@rush.example", [club.venue.id]),
    await hireAttendantOnShift(t, club.organizationId, "two@rush.example", [club.venue.id]),
  ];
});
afterAll(() => t.close());

/** Two attendants, taking turns, as at a busy counter. */
const counter = (i: number) => attendants[i % 2]!.api.qr;

async function issue(venueId: string, count: number) {
  const tickets = await Promise.all(Array.from({ length: count }, () => club.admin.api.qr.issueWalkIn({ venueId })));
  return tickets.map((ticket) => ({ id: ticket.id, code: ticket.code }));
}

/** Settles every call, describing each refusal as a client sees it. */
async function settle<T>(calls: Promise<T>[]) {
  return Promise.all(
    calls.map((call) =>
      call.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, refused: refusalOf(error) }),
      ),
    ),
  );
}

async function events(where: { ticketId?: { in: string[] } | string; action: string }) {
  return t.db.prisma.scanEvent.findMany({ where, select: { result: true, reason: true, ticketId: true, slotId: true, toSlotId: true } });
}

describe("at the same moment", () => {
  it(`${RUSH} check-outs of one ticket: exactly one hands the coat back`, async () => {
    const [ticket] = await issue(club.venue.id, 1);
    await counter(0).checkIn({ venueId: club.venue.id, code: ticket!.code });
    const outcomes = await settle(
      Array.from({ length: RUSH }, (_, i) => counter(i).checkOut({ venueId: club.venue.id, code: ticket!.code })),
    );

    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    const refusals = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.refused]));
    expect(refusals).toHaveLength(RUSH - 1);
    for (const refused of refusals) expect(refused).toMatchObject({ code: "CONFLICT", reason: "ALREADY_RETURNED" });

    const recorded = await events({ ticketId: ticket!.id, action: "CHECK_OUT" });
    expect(recorded.filter((event) => event.result === "OK")).toHaveLength(1);
    expect(recorded.filter((event) => event.result === "REFUSED" && event.reason === "ALREADY_RETURNED")).toHaveLength(RUSH - 1);
    expect(await t.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket!.id }, select: { state: true, slotId: true } })).toEqual({
      state: "RETURNED",
      slotId: null,
    });
  });

  it(`${RUSH} check-ins with no slot picked into ${RUSH} free slots: all succeed, on distinct slots`, async () => {
    const tickets = await issue(club.venue.id, RUSH);
    const outcomes = await settle(tickets.map((ticket, i) => counter(i).checkIn({ venueId: club.venue.id, code: ticket.code })));

    const failures = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.refused]));
    expect(failures).toEqual([]);
    const slots = outcomes.map((outcome) => (outcome.ok ? outcome.value.ticket.slot!.number : 0));
    expect(new Set(slots).size).toBe(RUSH);
    const stored = await t.db.prisma.ticket.findMany({
      where: { id: { in: tickets.map((ticket) => ticket.id) } },
      select: { state: true, slotId: true },
    });
    expect(stored.every((ticket) => ticket.state === "CHECKED_IN")).toBe(true);
    expect(new Set(stored.map((ticket) => ticket.slotId)).size).toBe(RUSH);
    const recorded = await events({ ticketId: { in: tickets.map((ticket) => ticket.id) }, action: "CHECK_IN" });
    expect(recorded.map((event) => event.result)).toEqual(Array(RUSH).fill("OK"));

    await t.db.prisma.ticket.updateMany({
      where: { id: { in: tickets.map((ticket) => ticket.id) } },
      data: { state: "RETURNED", slotId: null },
    });
  });

  it("more tickets than slots: the extra ones get NO_FREE_SLOT and nothing is half-written", async () => {
    const venue = await club.admin.api.venue.create({ name: "Small Room", timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" });
    const slotCount = 30;
    await club.admin.api.rack.create({ venueId: venue.id, name: "Only rack", slotCount });
    // Everyone moves their shift to the small room for this rush, and back after.
    for (const attendant of attendants) {
      await t.db.prisma.employeeVenue.create({ data: { employeeId: attendant.employeeId, venueId: venue.id } });
      await attendant.api.shift.clockOut();
      await attendant.api.shift.clockIn({ venueId: venue.id });
    }
    const tickets = await onShiftAt(club.admin.api, venue.id, club.venue.id, () => issue(venue.id, RUSH));

    const outcomes = await settle(tickets.map((ticket, i) => counter(i).checkIn({ venueId: venue.id, code: ticket.code })));
    const refusals = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.refused]));
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(slotCount);
    expect(refusals).toHaveLength(RUSH - slotCount);
    for (const refused of refusals) expect(refused).toMatchObject({ code: "CONFLICT", reason: "NO_FREE_SLOT" });

    const stored = await t.db.prisma.ticket.findMany({
      where: { venueId: venue.id },
      select: { id: true, state: true, slotId: true, checkedInAt: true },
    });
    const checkedIn = stored.filter((ticket) => ticket.state === "CHECKED_IN");
    expect(checkedIn).toHaveLength(slotCount);
    expect(new Set(checkedIn.map((ticket) => ticket.slotId)).size).toBe(slotCount);
    const waiting = stored.filter((ticket) => ticket.state !== "CHECKED_IN");
    expect(waiting.every((ticket) => ticket.state === "ISSUED" && ticket.slotId === null && ticket.checkedInAt === null)).toBe(true);

    const recorded = await t.db.prisma.scanEvent.findMany({
      where: { venueId: venue.id, action: "CHECK_IN" },
      select: { result: true, reason: true, ticketId: true },
    });
    expect(new Set(recorded.filter((event) => event.result === "OK").map((event) => event.ticketId))).toEqual(
      new Set(checkedIn.map((ticket) => ticket.id)),
    );
    expect(new Set(recorded.filter((event) => event.reason === "NO_FREE_SLOT").map((event) => event.ticketId))).toEqual(
      new Set(waiting.map((ticket) => ticket.id)),
    );
    expect(recorded).toHaveLength(RUSH);
    for (const attendant of attendants) {
      await attendant.api.shift.clockOut();
      await attendant.api.shift.clockIn({ venueId: club.venue.id });
    }
  });

  it(`${RUSH} tickets checking in to the one slot picked for all of them: exactly one gets it`, async () => {
    const tickets = await issue(club.venue.id, RUSH);
    const slot = club.racks.HANGER!.slots[9]!;
    const outcomes = await settle(
      tickets.map((ticket, i) => counter(i).checkIn({ venueId: club.venue.id, code: ticket.code, slotId: slot.id })),
    );

    const winners = outcomes.filter((outcome) => outcome.ok);
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes) if (!outcome.ok) expect(outcome.refused).toMatchObject({ code: "CONFLICT", reason: "SLOT_TAKEN" });
    expect(await t.db.prisma.ticket.count({ where: { slotId: slot.id } })).toBe(1);
    expect(await t.db.prisma.ticket.count({ where: { id: { in: tickets.map((ticket) => ticket.id) }, state: "CHECKED_IN" } })).toBe(1);
    const recorded = await events({ ticketId: { in: tickets.map((ticket) => ticket.id) }, action: "CHECK_IN" });
    expect(recorded.filter((event) => event.result === "OK")).toHaveLength(1);
    expect(recorded.filter((event) => event.reason === "SLOT_TAKEN")).toHaveLength(RUSH - 1);
    await t.db.prisma.ticket.updateMany({
      where: { id: { in: tickets.map((ticket) => ticket.id) } },
      data: { state: "VOIDED", slotId: null },
    });
  });

  it(`${RUSH} swaps and check-ins racing for one free slot: exactly one lands there`, async () => {
    const checkedIn = await issue(club.venue.id, RUSH / 2);
    await Promise.all(checkedIn.map((ticket, i) => counter(i).checkIn({ venueId: club.venue.id, code: ticket.code })));
    const waiting = await issue(club.venue.id, RUSH / 2);
    const target = await t.db.prisma.slot.findFirstOrThrow({
      where: { venueId: club.venue.id, ticket: { is: null } },
      orderBy: { number: "desc" },
    });

    const outcomes = await settle([
      ...checkedIn.map((ticket, i) => counter(i).swap({ venueId: club.venue.id, code: ticket.code, toSlotId: target.id })),
      ...waiting.map((ticket, i) => counter(i + 1).checkIn({ venueId: club.venue.id, code: ticket.code, slotId: target.id })),
    ]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    for (const outcome of outcomes) if (!outcome.ok) expect(outcome.refused.reason).toBe("SLOT_TAKEN");
    expect(await t.db.prisma.ticket.count({ where: { slotId: target.id } })).toBe(1);
    // Every losing swap left its coat where it was.
    const swapped = await t.db.prisma.ticket.findMany({
      where: { id: { in: checkedIn.map((ticket) => ticket.id) } },
      select: { state: true, slotId: true },
    });
    expect(swapped.every((ticket) => ticket.state === "CHECKED_IN" && ticket.slotId !== null)).toBe(true);
    expect(new Set(swapped.map((ticket) => ticket.slotId)).size).toBe(RUSH / 2);
  });
});

// The slot locks above keep attendants out of each other's way; the unique index on
// tickets.slot_id is what guarantees one coat per slot whatever gets past them. Here a
// writer that takes no lock on the slot (not even the foreign key's, switched off for its
// session) binds it and commits while a check-in waits on the index: only a second
// connection to PostgreSQL can stage that.
describe.skipIf(!testDatabaseUrl())("when the unique index decides", () => {
  async function racingBinding(slotNumber: number, run: (code: string) => Promise<CounterResult>) {
    const [intruder, late] = await issue(club.venue.id, 2);
    const slot = club.racks.HANGER!.slots[slotNumber - 1]!;
    const other = await connectPostgres(t.db.url!);
    try {
      await other.query("SET session_replication_role = replica");
      await other.query("BEGIN");
      await other.query(`UPDATE qr.tickets SET state = 'CHECKED_IN', slot_id = $1, checked_in_at = now() WHERE id = $2`, [
        slot.id,
        intruder!.id,
      ]);
      const pending = settle([run(late!.code)]);
      await waitForLockWait(t.db.url!);
      await other.query("COMMIT");
      const [outcome] = await pending;
      return { outcome: outcome!, slot, late: late! };
    } finally {
      await other.close();
    }
  }

  it("a check-in with no slot picked moves on to the next free slot", async () => {
    const lowestFree = await t.db.prisma.slot.findFirstOrThrow({
      where: { venueId: club.venue.id, ticket: { is: null } },
      orderBy: { number: "asc" },
    });
    const { outcome, slot } = await racingBinding(lowestFree.number, (code) => counter(0).checkIn({ venueId: club.venue.id, code }));
    expect(outcome.ok).toBe(true);
    const landed = outcome.ok ? outcome.value.ticket.slot! : null;
    expect(landed?.id).not.toBe(slot.id);
    expect(landed!.number).toBeGreaterThan(slot.number);
  });

  it("a check-in to the picked slot is refused SLOT_TAKEN, and recorded", async () => {
    const free = await t.db.prisma.slot.findFirstOrThrow({
      where: { venueId: club.venue.id, ticket: { is: null } },
      orderBy: { number: "desc" },
    });
    const { outcome, slot, late } = await racingBinding(free.number, (code) =>
      counter(1).checkIn({ venueId: club.venue.id, code, slotId: free.id }),
    );
    expect(outcome.ok ? null : outcome.refused).toMatchObject({
      code: "CONFLICT",
      reason: "SLOT_TAKEN",
      message: `Slot ${slot.number} was just taken.`,
    });
    expect(await events({ ticketId: late.id, action: "CHECK_IN" })).toEqual([
      { result: "REFUSED", reason: "SLOT_TAKEN", ticketId: late.id, slotId: slot.id, toSlotId: null },
    ]);
    expect(await t.db.prisma.ticket.findUniqueOrThrow({ where: { id: late.id }, select: { state: true } })).toEqual({ state: "ISSUED" });
  });
});

/**
 * Until some transaction of this database waits for a lock. Asked over a connection of its
 * own: inside a transaction, pg_stat_activity would keep showing its first answer.
 */
async function waitForLockWait(url: string) {
  const watcher = await connectPostgres(url);
  try {
    for (let i = 0; i < 200; i++) {
      const [row] = await watcher.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (row!.waiting > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error("the check-in never waited for the slot");
  } finally {
    await watcher.close();
  }
}
