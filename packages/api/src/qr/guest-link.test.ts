import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupHash, normalize } from "../lib/field-crypto";
import { createTestApi, refusal, type TestApi } from "../testing";
import { deviceHashOf } from "./guest-link";
import { openVenue } from "./testing";

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let link: string;

const LIMITS = {
  unusedPerDevice: 5,
  ticketsPerDevice: { max: 10, windowSeconds: 12 * 3600 },
  ticketsPerVenue: { max: 40, windowSeconds: 12 * 3600 },
  requestsPerAddress: { max: 200, windowSeconds: 3600 },
  unknownLinksPerAddress: { max: 8, windowSeconds: 3600 },
};

beforeAll(async () => {
  t = await createTestApi({}, {}, { guestLinks: LIMITS });
  club = await openVenue(t, "Velvet", { hangers: 40 });
  link = linkOf((await club.admin.api.venue.renewGuestLink({ venueId: club.venue.id })).url);
});
afterAll(() => t.close());

const linkOf = (url: string | null) => url!.slice(url!.lastIndexOf("/") + 1);
/** What the web app makes once per phone and keeps. */
const newPhone = () => randomBytes(32).toString("base64url");
/** Each phone behind its own address unless a test says otherwise, so address budgets stay out of the way. */
let addresses = 0;
const guestClient = (address = `198.51.100.${++addresses % 250}`) => t.client({ address });
const tap = (deviceKey: string, extra: { email?: string; phone?: string } = {}) => ({
  link,
  deviceKey,
  requestId: crypto.randomUUID(),
  ...extra,
});

async function checkIn(code: string) {
  await club.admin.api.qr.checkIn({ venueId: club.venue.id, code });
}

describe("qr.requestByLink", () => {
  it("gives a ticket with no account: number, code, URL and QR, as qr.request does", async () => {
    const deviceKey = newPhone();
    const ticket = await guestClient().api.qr.requestByLink(tap(deviceKey));
    expect(ticket).toMatchObject({ state: "ISSUED", venue: { id: club.venue.id, name: "Velvet Club" }, slotNumber: null });
    expect(ticket.url).toMatch(/\/t\/[a-z2-7]{40}$/);
    expect(ticket.svg.startsWith("<svg")).toBe(true);
    const stored = await t.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored).toMatchObject({ guestId: null, issuedById: null, guestDeviceHash: deviceHashOf(deviceKey) });
  });

  it("stores only a hash of the phone's key, never the key", async () => {
    const deviceKey = newPhone();
    const ticket = await guestClient().api.qr.requestByLink(tap(deviceKey));
    const [row] = await t.db.sql.query<{ row: string }>(`SELECT t::text AS row FROM qr.tickets t WHERE id = $1::uuid`, [ticket.id]);
    expect(row!.row).not.toContain(deviceKey);
    expect(row!.row).toContain(deviceHashOf(deviceKey));
  });

  it("answers the same tap sent twice with the one ticket it made", async () => {
    const guest = guestClient();
    const once = tap(newPhone());
    const first = await guest.api.qr.requestByLink(once);
    const again = await guest.api.qr.requestByLink(once);
    expect(again.id).toBe(first.id);
    expect(again.code).toBe(first.code);
    expect(await t.db.prisma.ticket.count({ where: { guestDeviceHash: deviceHashOf(once.deviceKey) } })).toBe(1);
  });

  it("makes one ticket of a double tap sent at once", async () => {
    const guest = guestClient();
    const once = tap(newPhone());
    const answers = await Promise.all(Array.from({ length: 5 }, () => guest.api.qr.requestByLink(once)));
    expect(new Set(answers.map((ticket) => ticket.id)).size).toBe(1);
    expect(await t.db.prisma.ticket.count({ where: { guestDeviceHash: deviceHashOf(once.deviceKey) } })).toBe(1);
  });

  it("files the optional email and phone as the ticket's contact, so the counter finds a lost ticket", async () => {
    const ticket = await guestClient().api.qr.requestByLink(tap(newPhone(), { email: "Nora@Example.com", phone: "+49 151 2345 6789" }));
    const stored = await t.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored.contactEmailHash).toBe(lookupHash(t.config.keys, "ticket.contactEmail", normalize.email("nora@example.com")));
    const found = await club.admin.api.qr.lookup({ venueId: club.venue.id, query: "6789" });
    expect(found.items.map((item) => item.id)).toContain(ticket.id);
  });

  it(`keeps at most ${LIMITS.unusedPerDevice} unused tickets per phone, even under a burst, with a sentence`, async () => {
    const deviceKey = newPhone();
    const guest = guestClient();
    const burst = await Promise.allSettled(Array.from({ length: 8 }, () => guest.api.qr.requestByLink(tap(deviceKey))));
    expect(burst.filter((result) => result.status === "fulfilled")).toHaveLength(LIMITS.unusedPerDevice);
    const refused = await refusal(guest.api.qr.requestByLink(tap(deviceKey)));
    expect(refused).toMatchObject({
      code: "CONFLICT",
      message: "This phone already has 5 unused tickets here. Hand in a coat on one of them first.",
    });
    // Another phone on the same Wi-Fi is not held back by it.
    await guest.api.qr.requestByLink(tap(newPhone()));
  });

  it(`gives one phone at most ${LIMITS.ticketsPerDevice.max} tickets per 12 hours, saying when it may ask again`, async () => {
    const deviceKey = newPhone();
    const guest = guestClient();
    for (let i = 0; i < LIMITS.ticketsPerDevice.max; i++) {
      await checkIn((await guest.api.qr.requestByLink(tap(deviceKey))).code);
      t.clock.advance(60_000);
    }
    const refused = await refusal(guest.api.qr.requestByLink(tap(deviceKey)));
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toMatch(/^This phone has had many tickets here tonight\. Try again in \d+ minutes\.$/);
    // Until the first of them leaves the window; the test clock drifts by the real milliseconds the test takes.
    const untilFirstLeaves = 12 * 3600 - LIMITS.ticketsPerDevice.max * 60;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(untilFirstLeaves - 5);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(untilFirstLeaves);
  });

  it("answers an unknown link NOT_FOUND and bad input BAD_REQUEST, never a server error", async () => {
    const guest = guestClient();
    expect(await refusal(guest.api.qr.requestByLink({ ...tap(newPhone()), link: "A".repeat(24) }))).toMatchObject({
      code: "NOT_FOUND",
      message: "This poster link no longer works: ask at the cloakroom for a new one.",
    });
    const bad = [
      { ...tap(newPhone()), deviceKey: "short" },
      { ...tap(newPhone()), deviceKey: "x".repeat(200) },
      { ...tap(newPhone()), deviceKey: "spaces are not base64url  spaces are not" },
      { ...tap(newPhone()), requestId: "not-a-uuid" },
      { ...tap(newPhone()), email: "not an email" },
      { ...tap(newPhone()), phone: "call me" },
      { ...tap(newPhone()), link: "../etc" },
    ];
    for (const input of bad) expect((await refusal(guest.api.qr.requestByLink(input))).code).toBe("BAD_REQUEST");
  });

  it("counts a venue's link tickets under its row lock: the nightly cap holds under a burst", async () => {
    const venue = await openVenue(t, "Tiny", { hangers: 1 });
    const tinyLink = linkOf((await venue.admin.api.venue.renewGuestLink({ venueId: venue.venue.id })).url);
    const cap = LIMITS.ticketsPerVenue.max;
    const burst = await Promise.allSettled(
      Array.from({ length: cap + 5 }, () => guestClient().api.qr.requestByLink({ ...tap(newPhone()), link: tinyLink })),
    );
    expect(burst.filter((result) => result.status === "fulfilled")).toHaveLength(cap);
    const refused = await refusal(guestClient().api.qr.requestByLink({ ...tap(newPhone()), link: tinyLink }));
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(refused.message).toMatch(/^This venue's poster has given all the tickets it may tonight: ask at the counter\./);
    // The counter still issues.
    await venue.admin.api.qr.issueWalkIn({ venueId: venue.venue.id });
  }, 60_000);

  it("gives one address a generous budget, then TOO_MANY_REQUESTS with a wait", async () => {
    const address = "192.0.2.77";
    const { max } = LIMITS.requestsPerAddress;
    await t.db.sql.query(`INSERT INTO auth.rate_limit_buckets (key, window_start, hits, pending) VALUES ($1, $2, $3, 0)`, [
      `guest-link:address:${address}`,
      t.clock.now(),
      max,
    ]);
    const refused = await refusal(guestClient(address).api.qr.requestByLink(tap(newPhone())));
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toMatch(/^Too many ticket requests from this network\. Try again in/);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("counts made-up links apart: they cannot use up the budget of the real guests behind the address", async () => {
    const address = "192.0.2.91";
    const madeUp = () => randomBytes(18).toString("base64url");
    for (let i = 0; i < LIMITS.unknownLinksPerAddress.max; i++) {
      expect((await refusal(guestClient(address).api.qr.requestByLink({ ...tap(newPhone()), link: madeUp() }))).code).toBe("NOT_FOUND");
    }
    // Guessing further is stopped, for the ticket request and the venue page alike...
    expect((await refusal(guestClient(address).api.qr.requestByLink({ ...tap(newPhone()), link: madeUp() }))).code).toBe(
      "TOO_MANY_REQUESTS",
    );
    expect((await refusal(guestClient(address).api.venue.byGuestLink({ link: madeUp() }))).code).toBe("TOO_MANY_REQUESTS");
    // ...while a guest behind the same address still gets a ticket from the real poster.
    expect((await guestClient(address).api.qr.requestByLink(tap(newPhone()))).number).toBeGreaterThan(0);
    expect((await guestClient(address).api.venue.byGuestLink({ link })).name).toBe("Velvet Club");
  });

  it("answers a retry of a tap that made its ticket even when the address's budget is spent", async () => {
    const address = "192.0.2.92";
    const phone = newPhone();
    const first = tap(phone);
    const ticket = await guestClient(address).api.qr.requestByLink(first);
    await t.db.sql.query(
      `INSERT INTO auth.rate_limit_buckets (key, window_start, hits, pending) VALUES ($1, $2, $3, 0)
       ON CONFLICT (key) DO UPDATE SET hits = $3, window_start = $2`,
      [`guest-link:address:${address}`, t.clock.now(), LIMITS.requestsPerAddress.max],
    );
    expect((await guestClient(address).api.qr.requestByLink(first)).code).toBe(ticket.code);
    expect((await refusal(guestClient(address).api.qr.requestByLink(tap(phone)))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("gives the same request id sent for another venue its own ticket there", async () => {
    const other = await openVenue(t, "Elsewhere", { hangers: 5 });
    const otherLink = linkOf((await other.admin.api.venue.renewGuestLink({ venueId: other.venue.id })).url);
    const phone = newPhone();
    const requestId = crypto.randomUUID();
    const here = await guestClient().api.qr.requestByLink({ link, deviceKey: phone, requestId });
    const there = await guestClient().api.qr.requestByLink({ link: otherLink, deviceKey: phone, requestId });
    expect(there.code).not.toBe(here.code);
    expect(there.venue.id).toBe(other.venue.id);
  });

  it("refuses the old link once the poster link is replaced", async () => {
    const old = link;
    link = linkOf((await club.admin.api.venue.renewGuestLink({ venueId: club.venue.id })).url);
    expect((await refusal(guestClient().api.qr.requestByLink({ ...tap(newPhone()), link: old }))).code).toBe("NOT_FOUND");
    expect((await guestClient().api.qr.requestByLink(tap(newPhone()))).state).toBe("ISSUED");
  });
});

describe("qr.request and qr.issueWalkIn with a request id", () => {
  it("give one ticket per tap, sent again or at once", async () => {
    const guest = await t.signUp({ email: "tapper@example.com" });
    const requestId = crypto.randomUUID();
    const first = await guest.api.qr.request({ venueId: club.venue.id, requestId });
    const again = await Promise.all([1, 2, 3].map(() => guest.api.qr.request({ venueId: club.venue.id, requestId })));
    expect(again.map((ticket) => ticket.id)).toEqual([first.id, first.id, first.id]);
    expect(await t.db.prisma.ticket.count({ where: { guestId: guest.me.user.id } })).toBe(1);

    const walkIn = crypto.randomUUID();
    const issued = await Promise.all([1, 2].map(() => club.admin.api.qr.issueWalkIn({ venueId: club.venue.id, requestId: walkIn })));
    expect(issued[0]!.id).toBe(issued[1]!.id);
    expect(await t.db.prisma.scanEvent.count({ where: { ticketId: issued[0]!.id, action: "ISSUE" } })).toBe(1);
  });

  it("scopes the request id to who asks: another guest's same id is another tap", async () => {
    const requestId = crypto.randomUUID();
    const one = await (await t.signUp({ email: "one@example.com" })).api.qr.request({ venueId: club.venue.id, requestId });
    const two = await (await t.signUp({ email: "two@example.com" })).api.qr.request({ venueId: club.venue.id, requestId });
    expect(one.id).not.toBe(two.id);
  });
});

describe("qr.claim", () => {
  it("moves the phone's tickets to the account that signs in, and leaves others' tickets alone without a word", async () => {
    const phone = newPhone();
    const guest = guestClient();
    const mine = [await guest.api.qr.requestByLink(tap(phone)), await guest.api.qr.requestByLink(tap(phone))];
    const someoneElses = await (await t.signUp({ email: "owner@example.com" })).api.qr.request({ venueId: club.venue.id });
    const claimer = await t.signUp({ email: "claimer@example.com" });
    const { claimed } = await claimer.api.qr.claim({ codes: [...mine.map((ticket) => ticket.code), someoneElses.code, "not-a-code"] });
    expect(claimed).toBe(2);
    const listed = await claimer.api.qr.mine();
    expect(listed.items.map((ticket) => ticket.id).sort()).toEqual(mine.map((ticket) => ticket.id).sort());
    const other = await t.db.prisma.ticket.findUniqueOrThrow({ where: { id: someoneElses.id } });
    expect(other.guestId).not.toBe(claimer.me.user.id);
    // Claimed once: a second claim, by anyone, moves nothing.
    expect(await (await t.signUp({ email: "late@example.com" })).api.qr.claim({ codes: mine.map((ticket) => ticket.code) })).toEqual({
      claimed: 0,
    });
  });

  it("needs an account, and takes at most 50 codes", async () => {
    expect((await refusal(t.client().api.qr.claim({ codes: [] }))).code).toBe("UNAUTHORIZED");
    const claimer = await t.signUp({ email: "greedy@example.com" });
    expect((await refusal(claimer.api.qr.claim({ codes: Array.from({ length: 51 }, () => "x") }))).code).toBe("BAD_REQUEST");
  });
});
