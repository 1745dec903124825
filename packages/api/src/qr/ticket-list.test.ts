import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, type TestApi } from "../testing";
import { type hireAttendant, hireAttendantOnShift, onShiftAt, openVenue, setClock } from "./testing";

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let rival: Awaited<ReturnType<typeof openVenue>>;
let ada: Awaited<ReturnType<typeof hireAttendant>>;
let terrace: { id: string };
const numbers: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApi();
  setClock(t, "2026-12-11T21:00:00Z");
  club = await openVenue(t, "Velvet", { hangers: 5, priceCents: 250 });
  rival = await openVenue(t, "Rival", { hangers: 1 });
  terrace = await club.admin.api.venue.create({ name: "Velvet Terrace", timezone: "Europe/Berlin", opensAt: "18:00", closesAt: "02:00" });
  ada = await hireAttendantOnShift(t, club.organizationId, "ada@velvet.example", [club.venue.id, terrace.id], "Ada Attendant");

  // Seven tickets at the club, a minute apart, left in every state; one at the terrace.
  const club1 = club.venue.id;
  for (const [index, name] of ["issued", "checkedIn", "returned", "voided", "checkedIn2", "issued2", "issued3"].entries()) {
    setClock(t, new Date(Date.parse("2026-12-11T22:00:00Z") + index * 60_000));
    const ticket = await ada.api.qr.issueWalkIn({ venueId: club1 });
    numbers[name] = ticket.number;
    if (name.startsWith("checkedIn") || name === "returned")
      await ada.api.qr.checkIn({ venueId: club1, code: ticket.code, payment: { status: "PAID_CASH" } });
    if (name === "returned") await ada.api.qr.checkOut({ venueId: club1, code: ticket.code });
    if (name === "voided") await ada.api.qr.void({ venueId: club1, code: ticket.code, reason: "torn" });
  }
  setClock(t, "2026-12-11T23:00:00Z");
  await onShiftAt(ada.api, terrace.id, club.venue.id, () => ada.api.qr.issueWalkIn({ venueId: terrace.id }));
  await rival.admin.api.qr.issueWalkIn({ venueId: rival.venue.id });
});
afterAll(() => t.close());

describe("qr.list", () => {
  it("lists the organization's tickets, newest first, with venue, slot, payment and who issued them", async () => {
    const { items, nextCursor } = await club.admin.api.qr.list();
    expect(nextCursor).toBeNull();
    expect(items.map((ticket) => [ticket.venue.name, ticket.number, ticket.state])).toEqual([
      ["Velvet Terrace", 1, "ISSUED"],
      ["Velvet Club", numbers.issued3, "ISSUED"],
      ["Velvet Club", numbers.issued2, "ISSUED"],
      ["Velvet Club", numbers.checkedIn2, "CHECKED_IN"],
      ["Velvet Club", numbers.voided, "VOIDED"],
      ["Velvet Club", numbers.returned, "RETURNED"],
      ["Velvet Club", numbers.checkedIn, "CHECKED_IN"],
      ["Velvet Club", numbers.issued, "ISSUED"],
    ]);
    const checkedIn = items.find((ticket) => ticket.number === numbers.checkedIn && ticket.venue.id === club.venue.id)!;
    expect(checkedIn).toMatchObject({
      slotNumber: 1,
      paymentStatus: "PAID_CASH",
      amountCents: 250,
      issuedBy: { id: ada.employeeId, name: "Ada Attendant" },
      guestName: null,
      venue: { currency: "EUR" },
    });
    expect(items.find((ticket) => ticket.state === "VOIDED")).toMatchObject({ voidReason: "torn", slotNumber: null });
    expect(Object.keys(checkedIn)).not.toContain("publicId");
    expect(Object.keys(checkedIn)).not.toContain("contactNameEncrypted");
  });

  it("filters by venue, state, ticket number and issue period", async () => {
    const list = (input: Parameters<typeof club.admin.api.qr.list>[0]) =>
      club.admin.api.qr.list(input).then((page) => page.items.map((ticket) => ticket.number));
    expect(await list({ venueId: terrace.id })).toEqual([1]);
    expect(await list({ venueId: club.venue.id, state: "CHECKED_IN" })).toEqual([numbers.checkedIn2, numbers.checkedIn]);
    expect(await list({ state: "RETURNED" })).toEqual([numbers.returned]);
    // Numbers are per venue: number 1 is at both, until the venue narrows it down.
    expect(await list({ number: 1 })).toEqual([1, 1]);
    expect(await list({ number: 1, venueId: club.venue.id })).toEqual([numbers.issued]);
    expect(await list({ from: new Date("2026-12-11T22:01:00Z"), to: new Date("2026-12-11T22:03:00Z") })).toEqual([
      numbers.returned,
      numbers.checkedIn,
    ]);
    expect(await list({ state: "FORGOTTEN" })).toEqual([]);
  });

  it("pages on the server with stable cursors, in the same number of statements whatever the page size", async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await club.admin.api.qr.list({ venueId: club.venue.id, limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((ticket) => ticket.number));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);

    const statementsFor = async (limit: number) => {
      const before = t.db.statementCount();
      await club.admin.api.qr.list({ limit });
      return t.db.statementCount() - before;
    };
    const small = await statementsFor(1);
    expect(small).toBeLessThanOrEqual(2);
    expect(await statementsFor(100)).toBe(small);
  });

  it("refuses bad input with field errors", async () => {
    expect((await refusal(club.admin.api.qr.list({ number: 0 }))).fieldErrors.number).toEqual(["Ticket numbers start at 1."]);
    expect((await refusal(club.admin.api.qr.list({ state: "LOST" as "ISSUED" }))).fieldErrors.state).toEqual([
      "Choose ISSUED, CHECKED_IN, RETURNED, VOIDED or FORGOTTEN.",
    ]);
    const backwards = await refusal(
      club.admin.api.qr.list({ from: new Date("2026-12-12T00:00:00Z"), to: new Date("2026-12-11T00:00:00Z") }),
    );
    expect(backwards).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { to: ["The end must come after the start."] } });
    expect((await refusal(club.admin.api.qr.list({ cursor: "not-ours" }))).fieldErrors.cursor).toEqual([
      "This cursor is not valid. Start again from the first page.",
    ]);
  });

  it("shows nothing of another organization, and is for admins only", async () => {
    const theirs = await rival.admin.api.qr.list();
    expect(theirs.items.map((ticket) => ticket.venue.name)).toEqual(["Rival Club"]);
    expect(await refusal(rival.admin.api.qr.list({ venueId: club.venue.id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await refusal(ada.api.qr.list())).toMatchObject({
      code: "FORBIDDEN",
      message: "Only an admin of your organization can do this.",
    });
    const guest = await t.signUp({ email: "guest@example.com" });
    expect((await refusal(guest.api.qr.list())).code).toBe("FORBIDDEN");
    expect((await refusal(t.client().api.qr.list())).code).toBe("UNAUTHORIZED");
  });
});
