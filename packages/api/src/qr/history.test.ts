import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../lib/pagination";
import { createTestApi, refusal, type TestApi } from "../testing";
import { type hireAttendant, hireAttendantOnShift, openVenue, setClock } from "./testing";

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let rival: Awaited<ReturnType<typeof openVenue>>;
let ada: Awaited<ReturnType<typeof hireAttendant>>;
let bob: Awaited<ReturnType<typeof hireAttendant>>;
let ticket: { id: string; code: string; number: number };

beforeAll(async () => {
  t = await createTestApi();
  setClock(t, "2026-12-11T21:00:00Z");
  club = await openVenue(t, "Velvet", { hangers: 3, priceCents: 250 });
  rival = await openVenue(t, "Rival", { hangers: 1 });
  ada = await hireAttendantOnShift(t, club.organizationId, "ada@velvet.example", [club.venue.id], "Ada Attendant");
  bob = await hireAttendantOnShift(t, club.organizationId, "bob@velvet.example", [club.venue.id], "Bob Bouncer");

  // One ticket's night, at known times, by two attendants.
  setClock(t, "2026-12-11T22:00:00Z");
  ticket = await ada.api.qr.issueWalkIn({ venueId: club.venue.id });
  setClock(t, "2026-12-11T22:05:00Z");
  await ada.api.qr.checkIn({ venueId: club.venue.id, code: ticket.code, payment: { status: "PAID_CARD" } });
  setClock(t, "2026-12-11T23:30:00Z");
  await bob.api.qr.swap({ venueId: club.venue.id, code: ticket.code, toSlotId: club.racks.HANGER!.slots[2]!.id });
  setClock(t, "2026-12-12T02:00:00Z");
  await bob.api.qr.checkOut({ venueId: club.venue.id, code: ticket.code });
  setClock(t, "2026-12-12T02:01:00Z");
  await refusal(ada.api.qr.scan({ venueId: club.venue.id, code: ticket.code }));
  await refusal(bob.api.qr.scan({ venueId: club.venue.id, code: "garbage" }));
});
afterAll(() => t.close());

describe("qr.history", () => {
  it("tells a ticket's story, newest first, with who, where and which slots", async () => {
    const { items, nextCursor } = await ada.api.qr.history({ ticketId: ticket.id });
    expect(nextCursor).toBeNull();
    expect(
      items.map((event) => [event.occurredAt.toISOString().slice(11, 16), event.action, event.result, event.reason, event.employee?.name]),
    ).toEqual([
      ["02:01", "SCAN", "REFUSED", "ALREADY_RETURNED", "Ada Attendant"],
      ["02:00", "CHECK_OUT", "OK", null, "Bob Bouncer"],
      ["23:30", "SWAP", "OK", null, "Bob Bouncer"],
      ["22:05", "CHECK_IN", "OK", null, "Ada Attendant"],
      ["22:00", "ISSUE", "OK", null, "Ada Attendant"],
    ]);
    expect(items[2]).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      venue: { id: club.venue.id, name: "Velvet Club" },
      ticket: { id: ticket.id, number: ticket.number },
      fromState: "CHECKED_IN",
      toState: "CHECKED_IN",
      slotNumber: 1,
      toSlotNumber: 3,
    });
    expect(items[3]).toMatchObject({ slotNumber: 1, toSlotNumber: null, paymentStatus: "PAID_CARD", amountCents: 250 });
    expect(Object.keys(items[0]!)).not.toContain("unknownCodeHash");
  });

  it("admins see a venue's period and any employee's events; pages are stable", async () => {
    const period = await club.admin.api.qr.history({
      venueId: club.venue.id,
      from: new Date("2026-12-11T22:04:00Z"),
      to: new Date("2026-12-12T02:00:30Z"),
    });
    expect(period.items.map((event) => event.action)).toEqual(["CHECK_OUT", "SWAP", "CHECK_IN"]);
    const bobs = await club.admin.api.qr.history({ employeeId: bob.employeeId });
    expect(bobs.items.map((event) => [event.action, event.result, event.ticket?.number ?? null])).toEqual([
      ["SCAN", "REFUSED", null],
      ["CHECK_OUT", "OK", ticket.number],
      ["SWAP", "OK", ticket.number],
    ]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await club.admin.api.qr.history({ venueId: club.venue.id, limit: 2, cursor });
      seen.push(...page.items.map((event) => event.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const all = (await club.admin.api.qr.history({ venueId: club.venue.id, limit: 100 })).items.map((event) => event.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    const forged = encodeCursor([new Date().toISOString(), "9".repeat(20)]);
    expect((await refusal(club.admin.api.qr.history({ cursor: forged }))).fieldErrors.cursor).toEqual([
      "This cursor is not valid. Start again from the first page.",
    ]);
  });

  it("employees see whole ticket histories but otherwise only their own events", async () => {
    const own = await bob.api.qr.history({ venueId: club.venue.id });
    expect(own.items.every((event) => event.employee?.id === bob.employeeId)).toBe(true);
    expect(own.items).toHaveLength(3);
    expect((await bob.api.qr.history()).items).toHaveLength(3);
    expect(await refusal(bob.api.qr.history({ employeeId: ada.employeeId }))).toMatchObject({
      code: "FORBIDDEN",
      message: "You can see your own scan history only.",
    });
    expect((await bob.api.qr.history({ employeeId: bob.employeeId })).items).toHaveLength(3);
  });

  it("nothing of another organization, and nothing for guests", async () => {
    expect((await refusal(rival.admin.api.qr.history({ ticketId: ticket.id }))).code).toBe("NOT_FOUND");
    expect((await refusal(rival.admin.api.qr.history({ venueId: club.venue.id }))).code).toBe("NOT_FOUND");
    expect((await refusal(rival.admin.api.qr.history({ employeeId: ada.employeeId }))).code).toBe("NOT_FOUND");
    expect((await rival.admin.api.qr.history()).items).toEqual([]);
    const guest = await t.signUp({ email: "guest@example.com" });
    expect((await refusal(guest.api.qr.history({ ticketId: ticket.id }))).code).toBe("FORBIDDEN");
  });
});
