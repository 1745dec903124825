import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countMessagesTo, messagesTo, newestMessageTo } from "../notifications/testing";
import { createTestApi, TEST_ORIGIN, type TestApi } from "../testing";
import { markForgottenTickets } from "./forgotten";
import { openVenue, setClock } from "./testing";

let t: TestApi;
let gotham: Awaited<ReturnType<typeof openVenue>>;
let shibuya: Awaited<ReturnType<typeof openVenue>>;

const run = (at: string) => markForgottenTickets({ ...t.deps, clock: () => new Date(at) });

async function states(ids: string[]) {
  const rows = await t.db.prisma.ticket.findMany({
    where: { id: { in: ids } },
    select: { id: true, state: true, slotId: true, forgottenAt: true },
  });
  return Object.fromEntries(rows.map((row) => [row.id, row]));
}

beforeAll(async () => {
  t = await createTestApi();
  setClock(t, "2027-11-06T08:00:00Z");
  // New York falls back from EDT to EST at 02:00 on Sunday 7 November 2027.
  gotham = await openVenue(t, "Gotham", { timezone: "America/New_York", opensAt: "20:00", closesAt: "02:00", hangers: 10 });
  // Tokyo keeps +09:00 all year and closes before midnight.
  shibuya = await openVenue(t, "Shibuya", { timezone: "Asia/Tokyo", opensAt: "18:00", closesAt: "23:30", forgottenDelayMinutes: 60 });
});
afterAll(() => t.close());

describe("markForgottenTickets", () => {
  it("in Tokyo: forgotten once the delay after 23:30 local has passed, not a minute before; runs at once share the work", async () => {
    setClock(t, "2027-11-06T11:00:00Z"); // 20:00 in Tokyo
    const coat = await shibuya.admin.api.qr.issueWalkIn({ venueId: shibuya.venue.id, email: "walkin@tokyo.example" });
    await shibuya.admin.api.qr.checkIn({ venueId: shibuya.venue.id, ticketId: coat.id });
    const stillIssued = await shibuya.admin.api.qr.issueWalkIn({ venueId: shibuya.venue.id, email: "never-came@tokyo.example" });

    expect(await run("2027-11-06T15:29:59Z")).toEqual({ forgotten: 0, notices: 0 });
    const [first, second] = await Promise.all([run("2027-11-06T15:30:00Z"), run("2027-11-06T15:30:00Z")]);
    expect(first.forgotten + second.forgotten).toBe(1);
    expect(first.notices + second.notices).toBe(1);
    const after = await states([coat.id, stillIssued.id]);
    expect(after[coat.id]).toMatchObject({ state: "FORGOTTEN", slotId: null, forgottenAt: new Date("2027-11-06T15:30:00Z") });
    expect(after[stillIssued.id]).toMatchObject({ state: "ISSUED" });
    const notices = await messagesTo(t, "walkin@tokyo.example");
    expect(notices.map((notice) => [notice.channel, notice.to, notice.template, notice.audience])).toEqual([
      ["email", "walkin@tokyo.example", "forgotten-items", "GUEST"],
    ]);
    expect(notices[0]!.organizationId).toBe(shibuya.organizationId);
    expect(await countMessagesTo(t, "never-came@tokyo.example")).toBe(0);
  });

  it("in New York across midnight and the DST change: one notice per guest, by their own channel", async () => {
    const guest = await t.signUp({ email: "night.owl@example.com", name: "Nora Night" });
    const venueId = gotham.venue.id;
    const counter = gotham.admin.api.qr;

    setClock(t, "2027-11-07T03:30:00Z"); // Saturday 23:30 EDT
    const coat = await guest.api.qr.request({ venueId });
    const bag = await guest.api.qr.request({ venueId });
    for (const ticket of [coat, bag]) await counter.checkIn({ venueId, code: ticket.code });
    const emailWalkIn = await counter.issueWalkIn({ venueId, name: "Ed Email", email: "ed@example.com", phone: "+1 212 555 0100" });
    const phoneWalkIn = await counter.issueWalkIn({ venueId, phone: "+1 212 555 0199" });
    const anonymous = await counter.issueWalkIn({ venueId });
    for (const ticket of [emailWalkIn, phoneWalkIn, anonymous]) await counter.checkIn({ venueId, ticketId: ticket.id });
    setClock(t, "2027-11-07T05:30:00Z"); // 01:30 EDT, after midnight: still Saturday's night
    const late = await counter.issueWalkIn({ venueId, email: "late@example.com" });
    await counter.checkIn({ venueId, ticketId: late.id });
    setClock(t, "2027-11-07T07:30:00Z"); // 02:30 EST, after closing: it belongs to the next night
    const afterHours = await counter.issueWalkIn({ venueId, email: "after-hours@example.com" });
    await counter.checkIn({ venueId, ticketId: afterHours.id });
    const slotsBefore = await t.db.prisma.ticket.findMany({ where: { venueId, state: "CHECKED_IN" }, select: { id: true, slotId: true } });

    const forgottenIds = [coat.id, bag.id, emailWalkIn.id, phoneWalkIn.id, anonymous.id, late.id];
    // Closing was 02:00 EST = 07:00Z (with EDT it would have been 06:00Z), three hours more is 10:00Z.
    expect(await run("2027-11-07T09:59:59Z")).toEqual({ forgotten: 0, notices: 0 });
    expect(await run("2027-11-07T10:00:00Z")).toEqual({ forgotten: 6, notices: 4 });

    const after = await states([...forgottenIds, afterHours.id]);
    for (const id of forgottenIds)
      expect(after[id], id).toMatchObject({ state: "FORGOTTEN", slotId: null, forgottenAt: new Date("2027-11-07T10:00:00Z") });
    expect(after[afterHours.id]).toMatchObject({ state: "CHECKED_IN" });

    const events = await t.db.prisma.scanEvent.findMany({
      where: { venueId, action: "FORGET" },
      select: { ticketId: true, employeeId: true, result: true, fromState: true, toState: true, slotId: true },
    });
    expect(events).toHaveLength(6);
    for (const event of events) {
      expect(event).toMatchObject({ employeeId: null, result: "OK", fromState: "CHECKED_IN", toState: "FORGOTTEN" });
      expect(event.slotId).toBe(slotsBefore.find((ticket) => ticket.id === event.ticketId)!.slotId);
    }

    const notices = await Promise.all(
      ["+1 212 555 0199", "ed@example.com", "late@example.com", "night.owl@example.com"].map((to) => messagesTo(t, to, "forgotten-items")),
    );
    expect(notices.map((theirs) => theirs.map((notice) => [notice.channel, notice.to]))).toEqual([
      [["sms", "+1 212 555 0199"]],
      [["email", "ed@example.com"]],
      [["email", "late@example.com"]],
      [["email", "night.owl@example.com"]],
    ]);
    // Ed left a phone too, but is reached once, by email.
    expect(await countMessagesTo(t, "+1 212 555 0100")).toBe(0);
    const nora = await newestMessageTo(t, "night.owl@example.com", "forgotten-items");
    expect(nora.subject).toBe("You left something at Gotham Club");
    expect(nora.text).toContain("Hello Nora Night,");
    expect(nora.text).toContain(`ticket ${coat.number} at Gotham Club: ${TEST_ORIGIN}/t/${coat.code}`);
    expect(nora.text).toContain(`ticket ${bag.number} at Gotham Club: ${TEST_ORIGIN}/t/${bag.code}`);
    expect((await newestMessageTo(t, "ed@example.com")).text).toContain("Hello Ed Email,");
    expect((await newestMessageTo(t, "+1 212 555 0199")).text).toMatch(/^QRcoats: you left something at the coat check of Gotham Club/);

    // Again, and again later: nothing more changes and nobody hears twice.
    const outboxSize = await t.db.prisma.notification.count();
    expect(await run("2027-11-07T10:00:00Z")).toEqual({ forgotten: 0, notices: 0 });
    expect(await run("2027-11-07T12:00:00Z")).toEqual({ forgotten: 0, notices: 0 });
    expect(await t.db.prisma.notification.count()).toBe(outboxSize);
    expect(await t.db.prisma.scanEvent.count({ where: { venueId, action: "FORGET" } })).toBe(6);

    // The guest comes back for the coat: the counter hands it out of lost & found.
    expect((await counter.scan({ venueId, code: coat.code })).allowedActions).toEqual(["CHECK_OUT", "PAY"]);
    expect((await counter.checkOut({ venueId, code: coat.code })).ticket.state).toBe("RETURNED");

    // The after-hours coat belongs to Sunday night: closing Monday 02:00 EST, due at 10:00Z.
    expect(await run("2027-11-08T09:59:00Z")).toEqual({ forgotten: 0, notices: 0 });
    expect(await run("2027-11-08T10:00:00Z")).toEqual({ forgotten: 1, notices: 1 });
  });

  it("follows the spring-forward gap: a closing time that does not exist that night", async () => {
    setClock(t, "2028-03-11T20:00:00Z");
    const gap = await openVenue(t, "Gap", {
      timezone: "America/New_York",
      opensAt: "21:00",
      closesAt: "02:30",
      forgottenDelayMinutes: 0,
      hangers: 1,
    });
    setClock(t, "2028-03-12T04:00:00Z"); // Saturday 23:00 EST; clocks jump from 02:00 to 03:00 at 07:00Z
    const coat = await gap.admin.api.qr.issueWalkIn({ venueId: gap.venue.id });
    await gap.admin.api.qr.checkIn({ venueId: gap.venue.id, ticketId: coat.id });
    // 02:30 never happens that night; the database reads it with the offset before the jump
    // (EST), which is 07:30Z, i.e. 03:30 EDT.
    expect(await run("2028-03-12T07:29:59Z")).toEqual({ forgotten: 0, notices: 0 });
    expect((await run("2028-03-12T07:30:00Z")).forgotten).toBe(1);
  });
});
