import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, type TestApi } from "../testing";
import { maskEmail, maskPhone } from "./lookup";
import { type hireAttendant, hireAttendantOnShift, onShiftAt, openVenue } from "./testing";

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let annexId: string;
let rival: Awaited<ReturnType<typeof openVenue>>;
let attendant: Awaited<ReturnType<typeof hireAttendant>>;
let zoe: { id: string; number: number };
let annexWalkIn: { id: string; number: number };
let registered: { id: string; number: number };

beforeAll(async () => {
  t = await createTestApi();
  club = await openVenue(t, "Velvet", { hangers: 3 });
  annexId = (await club.admin.api.venue.create({ name: "Annex", timezone: "Europe/Berlin", opensAt: "20:00", closesAt: "02:00" })).id;
  rival = await openVenue(t, "Rival", { hangers: 1 });
  attendant = await hireAttendantOnShift(t, club.organizationId, "attendant@velvet.example", [club.venue.id]);
  zoe = await attendant.api.qr.issueWalkIn({
    venueId: club.venue.id,
    name: "Zoë Müller",
    email: "Zoe.Mueller@example.com",
    phone: "+49 170 1234567",
  });
  await attendant.api.qr.checkIn({ venueId: club.venue.id, ticketId: zoe.id });
  annexWalkIn = await onShiftAt(club.admin.api, annexId, club.venue.id, () =>
    club.admin.api.qr.issueWalkIn({ venueId: annexId, name: "Max Annex", phone: "0044 20 7946 4567" }),
  );
  const gustav = await t.signUp({ email: "gustav.gans@example.com", name: "Gustav Gans" });
  registered = await gustav.api.qr.request({ venueId: club.venue.id });
  await rival.admin.api.qr.issueWalkIn({ venueId: rival.venue.id, name: "Zoë Müller", phone: "+49 170 1234567" });
});
afterAll(() => t.close());

const ids = (page: { items: { id: string }[] }) => page.items.map((ticket) => ticket.id).sort();

describe("qr.lookup: a guest lost their ticket", () => {
  it("finds a walk-in by exact name, whatever the case and spacing, with the contact shown masked", async () => {
    const found = await attendant.api.qr.lookup({ venueId: club.venue.id, query: "  zoë   MÜLLER " });
    expect(found.items).toEqual([
      {
        id: zoe.id,
        number: zoe.number,
        state: "CHECKED_IN",
        issuedAt: expect.any(Date),
        checkedInAt: expect.any(Date),
        paymentStatus: "UNPAID",
        venue: { id: club.venue.id, name: "Velvet Club" },
        slotNumber: 1,
        guest: null,
        contact: { name: "Zoë Müller", email: "z•••@example.com", phone: "••• 4567" },
      },
    ]);
    // Walk-ins' names are sealed: only the whole name matches, never a part of it.
    expect((await attendant.api.qr.lookup({ venueId: club.venue.id, query: "Zoë" })).items).toEqual([]);
  });

  it("finds a walk-in by email and by the last four digits of a phone", async () => {
    expect(ids(await attendant.api.qr.lookup({ venueId: club.venue.id, query: "ZOE.MUELLER@EXAMPLE.COM" }))).toEqual([zoe.id]);
    expect(ids(await attendant.api.qr.lookup({ venueId: club.venue.id, query: "4567" }))).toEqual([zoe.id]);
    expect(ids(await attendant.api.qr.lookup({ venueId: club.venue.id, query: "170 123-4567" }))).toEqual([zoe.id]);
    // Across the organization's venues an admin sees both tickets ending in 4567, and no
    // other organization's, though a rival venue has one with the very same phone.
    expect(ids(await club.admin.api.qr.lookup({ query: "4567" }))).toEqual([zoe.id, annexWalkIn.id].sort());
  });

  it("finds a ticket by its number, and a registered guest by part of their name or email", async () => {
    const byNumber = await attendant.api.qr.lookup({ venueId: club.venue.id, query: `#${registered.number}` });
    expect(byNumber.items.map((ticket) => [ticket.id, ticket.guest])).toEqual([
      [registered.id, { name: "Gustav Gans", email: "g•••@example.com" }],
    ]);
    expect(ids(await attendant.api.qr.lookup({ venueId: club.venue.id, query: "gustav" }))).toEqual([registered.id]);
    expect(ids(await attendant.api.qr.lookup({ venueId: club.venue.id, query: "gans@exam" }))).toEqual([registered.id]);
    expect((await attendant.api.qr.lookup({ venueId: club.venue.id, query: "nobody at all" })).items).toEqual([]);
  });

  it("pages through many matches", async () => {
    const page = await club.admin.api.qr.lookup({ query: "4567", limit: 1 });
    expect(page.items).toHaveLength(1);
    const next = await club.admin.api.qr.lookup({ query: "4567", limit: 1, cursor: page.nextCursor! });
    expect(next.nextCursor).toBeNull();
    expect([page.items[0]!.id, next.items[0]!.id].sort()).toEqual([zoe.id, annexWalkIn.id].sort());
  });

  it("is for the organization's staff, at the venues they work at", async () => {
    expect((await refusal(attendant.api.qr.lookup({ venueId: annexId, query: "4567" }))).code).toBe("FORBIDDEN");
    // Without a venue, an employee searches the venues they are assigned to.
    expect(ids(await attendant.api.qr.lookup({ query: "4567" }))).toEqual([zoe.id]);
    expect((await refusal(rival.admin.api.qr.lookup({ venueId: club.venue.id, query: "4567" }))).code).toBe("NOT_FOUND");
    expect(
      (await rival.admin.api.qr.lookup({ query: String(zoe.number) })).items.every((ticket) => ticket.venue.id === rival.venue.id),
    ).toBe(true);
    const guest = await t.signUp({ email: "curious@example.com" });
    expect((await refusal(guest.api.qr.lookup({ query: "4567" }))).code).toBe("FORBIDDEN");
  });

  it("masks contacts without hiding what staff ask for", () => {
    expect(maskEmail("someone@club.example")).toBe("s•••@club.example");
    expect(maskPhone("+1 (212) 555-0199")).toBe("••• 0199");
  });
});
