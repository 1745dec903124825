import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptField, lookupHash, normalize } from "../lib/field-crypto";
import { createTestApi, refusal, TEST_ORIGIN, type TestApi } from "../testing";
import { candidateCode, codeFor, verifyCode } from "./codes";
import { type hireAttendant, hireAttendantOnShift, openVenue } from "./testing";
import { MAX_UNUSED_TICKETS_PER_VENUE } from "./tickets";

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let rival: Awaited<ReturnType<typeof openVenue>>;
let attendant: Awaited<ReturnType<typeof hireAttendant>>;
let guest: Awaited<ReturnType<TestApi["signUp"]>>;
let stranger: Awaited<ReturnType<TestApi["signUp"]>>;

beforeAll(async () => {
  t = await createTestApi();
  club = await openVenue(t, "Velvet", { hangers: 3 });
  rival = await openVenue(t, "Rival", { hangers: 1 });
  attendant = await hireAttendantOnShift(t, club.organizationId, "attendant@velvet.example", [club.venue.id], "Ada Attendant");
  guest = await t.signUp({ email: "guest@example.com", name: "Gus Guest" });
  stranger = await t.signUp({ email: "stranger@example.com" });
});
afterAll(() => t.close());

describe("qr.request", () => {
  it("gives a signed-in guest an ISSUED ticket with its number, code, URL and SVG", async () => {
    const ticket = await guest.api.qr.request({ venueId: club.venue.id });
    expect(ticket).toMatchObject({
      state: "ISSUED",
      venue: { id: club.venue.id, name: "Velvet Club" },
      slotNumber: null,
      paymentStatus: "UNPAID",
    });
    expect(ticket.code).toMatch(/^[a-z2-7]{40}$/);
    expect(ticket.url).toBe(`${TEST_ORIGIN}/t/${ticket.code}`);
    expect(ticket.svg.startsWith("<svg")).toBe(true);
    expect(Object.keys(ticket)).not.toContain("publicId");
    const stored = await t.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored).toMatchObject({
      guestId: guest.me.user.id,
      venueId: club.venue.id,
      organizationId: club.organizationId,
      number: ticket.number,
    });
    expect(verifyCode(t.config.keys.ticketSigning, ticket.code)).toBe(stored.publicId);
  });

  it("numbers tickets per venue, each number once even when asked at once", async () => {
    const other = await rival.admin.api.qr.issueWalkIn({ venueId: rival.venue.id });
    expect(other.number).toBe(1);
    const before = (await t.db.prisma.venue.findUniqueOrThrow({ where: { id: club.venue.id } })).nextTicketNumber;
    const issued = await Promise.all(Array.from({ length: 20 }, () => club.admin.api.qr.issueWalkIn({ venueId: club.venue.id })));
    expect(issued.map((ticket) => ticket.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => before + i));
  });

  it(`keeps at most ${MAX_UNUSED_TICKETS_PER_VENUE} unused tickets per guest and venue, even under a burst`, async () => {
    const hoarder = await t.signUp({ email: "hoarder@example.com" });
    const burst = await Promise.allSettled(Array.from({ length: 9 }, () => hoarder.api.qr.request({ venueId: club.venue.id })));
    const granted = burst.filter((result) => result.status === "fulfilled");
    expect(granted).toHaveLength(MAX_UNUSED_TICKETS_PER_VENUE);
    expect(await refusal(hoarder.api.qr.request({ venueId: club.venue.id }))).toMatchObject({
      code: "CONFLICT",
      message: "You already have 5 unused tickets for this venue. Use one of them first.",
    });
    expect(await t.db.prisma.ticket.count({ where: { guestId: hoarder.me.user.id } })).toBe(MAX_UNUSED_TICKETS_PER_VENUE);
    // Other venues are another matter, and a ticket in use no longer counts.
    await hoarder.api.qr.request({ venueId: rival.venue.id });
    const { code } = (granted[0] as PromiseFulfilledResult<{ code: string }>).value;
    await attendant.api.qr.checkIn({ venueId: club.venue.id, code });
    expect((await hoarder.api.qr.request({ venueId: club.venue.id })).state).toBe("ISSUED");
    await attendant.api.qr.checkOut({ venueId: club.venue.id, code });
  });

  it("needs a signed-in caller and an existing venue", async () => {
    expect((await refusal(t.client().api.qr.request({ venueId: club.venue.id }))).code).toBe("UNAUTHORIZED");
    expect(await refusal(guest.api.qr.request({ venueId: "6f1c2b1e-4a0b-4c7e-9a53-0d5d8f0e2b11" }))).toMatchObject({
      code: "NOT_FOUND",
      message: "No such venue.",
    });
  });
});

describe("a guest's tickets", () => {
  it("qr.mine lists the caller's own tickets, newest first, page by page", async () => {
    const collector = await t.signUp({ email: "collector@example.com" });
    const mine: string[] = [];
    for (const venueId of [club.venue.id, rival.venue.id, club.venue.id]) {
      mine.unshift((await collector.api.qr.request({ venueId })).id);
      t.clock.advance(1000);
    }
    const first = await collector.api.qr.mine({ limit: 2 });
    expect(first.items.map((ticket) => ticket.id)).toEqual(mine.slice(0, 2));
    expect(first.items[0]).toMatchObject({ venue: { name: "Velvet Club" }, url: expect.stringContaining("/t/") });
    const second = await collector.api.qr.mine({ limit: 2, cursor: first.nextCursor! });
    expect(second).toMatchObject({ items: [expect.objectContaining({ id: mine[2] })], nextCursor: null });
    expect((await stranger.api.qr.mine()).items).toEqual([]);
  });

  it("qr.get and qr.image: the guest who owns it and the venue's organization, nobody else", async () => {
    const ticket = await guest.api.qr.request({ venueId: club.venue.id });
    expect(await guest.api.qr.get({ ticketId: ticket.id })).toEqual(ticket);
    expect((await attendant.api.qr.get({ ticketId: ticket.id })).code).toBe(ticket.code);
    for (const outsider of [stranger.api, rival.admin.api]) {
      expect(await refusal(outsider.qr.get({ ticketId: ticket.id }))).toMatchObject({ code: "NOT_FOUND", message: "No such ticket." });
      expect((await refusal(outsider.qr.image({ ticketId: ticket.id, format: "png" }))).code).toBe("NOT_FOUND");
    }
    expect((await refusal(guest.api.qr.get({ ticketId: "6f1c2b1e-4a0b-4c7e-9a53-0d5d8f0e2b11" }))).code).toBe("NOT_FOUND");
    expect(await guest.api.qr.image({ ticketId: ticket.id, format: "svg" })).toEqual({
      format: "svg",
      number: ticket.number,
      svg: ticket.svg,
    });
    const png = await guest.api.qr.image({ ticketId: ticket.id, format: "png" });
    expect(png).toMatchObject({ format: "png", number: ticket.number, dataUrl: expect.stringMatching(/^data:image\/png;base64,/) });
  });
});

describe("qr.view, the page a phone camera opens", () => {
  it("shows number, state, venue name and last change to anyone, and nothing personal", async () => {
    const walkIn = await attendant.api.qr.issueWalkIn({
      venueId: club.venue.id,
      name: "Zoë Private",
      email: "zoe@private.example",
      phone: "+49 170 5550123",
    });
    const view = await t.client().api.qr.view({ code: walkIn.url });
    expect(view).toEqual({
      number: walkIn.number,
      state: "ISSUED",
      venueName: "Velvet Club",
      updatedAt: expect.any(Date),
      // Not checked in: nothing to ask for yet (docs/pickup.md).
      pickup: { offered: false, request: null },
    });
    expect(JSON.stringify(view)).not.toMatch(/Zoë|zoe|0123|private/i);
    await attendant.api.qr.checkIn({ venueId: club.venue.id, code: walkIn.code });
    expect((await t.client().api.qr.view({ code: walkIn.code.toUpperCase() })).state).toBe("CHECKED_IN");
    await attendant.api.qr.checkOut({ venueId: club.venue.id, code: walkIn.code });
  });

  it("a forged or altered code is NOT_FOUND", async () => {
    const { code } = await guest.api.qr.request({ venueId: rival.venue.id });
    const altered = code.slice(0, -1) + (code.endsWith("a") ? "b" : "a");
    for (const bad of [altered, "nonsense", code.slice(0, 20)]) {
      expect(await refusal(t.client().api.qr.view({ code: bad }))).toMatchObject({
        code: "NOT_FOUND",
        message: "This is not a valid QRcoats ticket.",
      });
      expect(await refusal(t.client().api.qr.viewImage({ code: bad }))).toMatchObject({
        code: "NOT_FOUND",
        message: "This is not a valid QRcoats ticket.",
      });
    }
  });

  it("qr.viewImage gives whoever holds the code the ticket's own QR, however the code was typed", async () => {
    const walkIn = await attendant.api.qr.issueWalkIn({ venueId: club.venue.id, name: "Zoë Private" });
    for (const code of [walkIn.code, walkIn.url, ` ${walkIn.code.toUpperCase()} `]) {
      expect(await t.client().api.qr.viewImage({ code })).toEqual({ number: walkIn.number, svg: walkIn.svg });
    }
  });
});

describe("what the database keeps", () => {
  it("no stored value of qr.tickets (or its scan history) makes or contains a valid code", async () => {
    // Both tables hold scalar columns only (no JSON), so String() shows every value whole.
    type ScalarRow = Record<string, string | number | bigint | boolean | Date | null>;
    const rows = await t.db.sql.query<ScalarRow>(`SELECT * FROM qr.tickets`);
    expect(rows.length).toBeGreaterThan(20);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(["public_id", "contact_name_hash", "contact_name_encrypted"]));
    const stored = [
      ...rows.flatMap((row) => Object.values(row)),
      ...(await t.db.sql.query<ScalarRow>(`SELECT * FROM qr.scan_events`)).flatMap((row) => Object.values(row)),
    ]
      .filter((value) => value !== null)
      .map((value) => (value instanceof Date ? value.toISOString() : String(value)));
    const everything = stored.join("\n");
    for (const value of stored) expect(verifyCode(t.config.keys.ticketSigning, candidateCode(value)), value).toBeNull();
    for (const row of rows) {
      const code = codeFor(t.config.keys.ticketSigning, row.public_id as string);
      expect(everything).not.toContain(code);
      expect(everything).not.toContain(code.slice(20));
    }
  });
});

describe("qr.issueWalkIn", () => {
  it("issues a ticket at the counter with the contact sealed, and records who issued it", async () => {
    const ticket = await attendant.api.qr.issueWalkIn({
      venueId: club.venue.id,
      name: "  Zoë   Müller ",
      email: "Zoe.Mueller@Example.com",
      phone: "+49 (170) 123-4567",
    });
    expect(ticket).toMatchObject({ state: "ISSUED", venue: { name: "Velvet Club" }, url: `${TEST_ORIGIN}/t/${ticket.code}` });
    expect(ticket.svg.startsWith("<svg")).toBe(true);

    const [raw] = await t.db.sql.query<Record<string, string | null>>(`SELECT * FROM qr.tickets WHERE id = $1`, [ticket.id]);
    const rawText = JSON.stringify(raw).toLowerCase();
    for (const plaintext of ["zoë", "müller", "mueller", "example.com", "1234567", "123-4567", "4567"])
      expect(rawText).not.toContain(plaintext);
    const keys = t.config.keys;
    expect(raw).toMatchObject({
      issued_by_id: attendant.employeeId,
      guest_id: null,
      contact_name_hash: lookupHash(keys, "ticket.contactName", normalize.name("Zoë Müller")),
      contact_email_hash: lookupHash(keys, "ticket.contactEmail", "zoe.mueller@example.com"),
      contact_phone_last_digits_hash: lookupHash(keys, "ticket.contactPhoneLastDigits", "4567"),
    });
    expect(decryptField(keys, "ticket.contactName", raw!.contact_name_encrypted!)).toBe("Zoë   Müller");
    expect(decryptField(keys, "ticket.contactEmail", raw!.contact_email_encrypted!)).toBe("zoe.mueller@example.com");
    expect(decryptField(keys, "ticket.contactPhone", raw!.contact_phone_encrypted!)).toBe("+49 (170) 123-4567");

    const [event] = await t.db.prisma.scanEvent.findMany({
      where: { ticketId: ticket.id },
      select: { action: true, result: true, employeeId: true, toState: true },
    });
    expect(event).toEqual({ action: "ISSUE", result: "OK", employeeId: attendant.employeeId, toState: "ISSUED" });
    expect((await attendant.api.qr.scan({ venueId: club.venue.id, code: ticket.code })).ticket.contactName).toBe("Zoë   Müller");
  });

  it("contact data is optional, and checked when given", async () => {
    const bare = await attendant.api.qr.issueWalkIn({ venueId: club.venue.id });
    const stored = await t.db.prisma.ticket.findUniqueOrThrow({ where: { id: bare.id } });
    expect([stored.contactNameEncrypted, stored.contactEmailHash, stored.contactPhoneLastDigitsHash]).toEqual([null, null, null]);
    const refused = await refusal(attendant.api.qr.issueWalkIn({ venueId: club.venue.id, email: "not-an-email", phone: "12" }));
    expect(refused.fieldErrors).toEqual({ email: ["Enter a valid email address."], phone: ["Enter the whole phone number."] });
    expect((await refusal(guest.api.qr.issueWalkIn({ venueId: club.venue.id }))).code).toBe("FORBIDDEN");
    expect((await refusal(rival.admin.api.qr.issueWalkIn({ venueId: club.venue.id }))).code).toBe("NOT_FOUND");
  });
});

/** Every string anywhere in a value, and every key, with the path that leads to it. */
function* strings(value: unknown, path = "$"): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      yield [`${path}.${key}`, key];
      yield* strings(item, `${path}.${key}`);
    }
  }
}

describe("what the coat-check procedures return", () => {
  it("never an encrypted column, a lookup hash or a bare public id", async () => {
    const venueId = club.venue.id;
    const walkIn = await attendant.api.qr.issueWalkIn({
      venueId,
      name: "Leak Tester",
      email: "leak@example.com",
      phone: "+44 20 7946 0000",
    });
    const own = await guest.api.qr.request({ venueId });
    const outputs: unknown[] = [
      walkIn,
      own,
      await guest.api.qr.get({ ticketId: own.id }),
      await guest.api.qr.mine(),
      await attendant.api.qr.scan({ venueId, code: walkIn.code }),
      await attendant.api.qr.checkIn({ venueId, code: walkIn.code }),
      await attendant.api.qr.lookup({ venueId, query: "Leak Tester" }),
      await attendant.api.qr.lookup({ venueId, query: "0000" }),
      await attendant.api.qr.history({ ticketId: walkIn.id }),
      await attendant.api.rack.list({ venueId }),
      await t.client().api.qr.view({ code: walkIn.code }),
      await attendant.api.qr.checkOut({ venueId, code: walkIn.code }),
    ];
    await refusal(attendant.api.qr.scan({ venueId, code: "unknown" }));
    outputs.push(await club.admin.api.qr.history({ venueId }));

    const secrets = await t.db.sql.query<{ secret: string }>(`
      SELECT unnest(ARRAY[public_id, contact_name_encrypted, contact_email_encrypted, contact_phone_encrypted,
                          contact_name_hash, contact_email_hash, contact_phone_last_digits_hash]) AS secret FROM qr.tickets
      UNION ALL SELECT unknown_code_hash FROM qr.scan_events`);
    const forbidden = new Set(secrets.map((row) => row.secret).filter(Boolean));
    expect(forbidden.size).toBeGreaterThan(10);
    for (const [path, text] of strings(outputs)) {
      expect(forbidden.has(text), `${path} leaks a stored secret`).toBe(false);
      expect(/hash|encrypted|publicId/i.test(text) && path.endsWith(text), `${path} is a secret-looking key`).toBe(false);
    }
    expect(JSON.stringify(outputs)).not.toContain("leak@example.com");
    expect(JSON.stringify(outputs)).not.toContain("7946");
  });
});
