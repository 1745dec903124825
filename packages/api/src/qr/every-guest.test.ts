import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, type TestApi } from "../testing";
import { hireAttendant, openVenue, setClock } from "./testing";

// Every guest served at the counter (docs/guests.md): counter actions need a shift, a coat
// never goes back unpaid without a word, and a ticket number works when there is no code.

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let prepaid: Awaited<ReturnType<typeof openVenue>>;

beforeAll(async () => {
  t = await createTestApi();
  setClock(t, "2026-12-05T22:00:00Z");
  club = await openVenue(t, "Payday", { hangers: 6, priceCents: 300, currency: "EUR" });
  prepaid = await openVenue(t, "Door", { hangers: 3, priceCents: 250 });
  await prepaid.admin.api.venue.update({ venueId: prepaid.venue.id, paymentTiming: "CHECK_IN" });
});
afterAll(() => t.close());

const walkIn = async (at = club) => (await at.admin.api.qr.issueWalkIn({ venueId: at.venue.id })).code;

describe("counter actions need a shift", () => {
  it("refuses an attendant off shift with NOT_ON_SHIFT, records it, and lets them work once clocked in", async () => {
    const attendant = await hireAttendant(t, club.organizationId, "off-shift@payday.example", [club.venue.id]);
    const code = await walkIn();
    const before = await t.db.prisma.scanEvent.count({ where: { employeeId: attendant.employeeId } });

    const refused = await refusal(attendant.api.qr.scan({ venueId: club.venue.id, code }));
    expect(refused).toMatchObject({ code: "PRECONDITION_FAILED", reason: "NOT_ON_SHIFT" });
    expect(refused.message).toContain("Clock in at Payday Club");
    expect(await refusal(attendant.api.qr.issueWalkIn({ venueId: club.venue.id }))).toMatchObject({ reason: "NOT_ON_SHIFT" });
    expect(await refusal(attendant.api.offline.prepare({ venueId: club.venue.id, deviceId: crypto.randomUUID() }))).toMatchObject({
      reason: "NOT_ON_SHIFT",
    });
    const recorded = await t.db.prisma.scanEvent.findMany({
      where: { employeeId: attendant.employeeId, id: { gt: 0 } },
      select: { action: true, result: true, reason: true },
    });
    expect(recorded.length).toBe(before + 1);
    expect(recorded.at(-1)).toEqual({ action: "SCAN", result: "REFUSED", reason: "NOT_ON_SHIFT" });

    await attendant.api.shift.clockIn({ venueId: club.venue.id });
    expect((await attendant.api.qr.scan({ venueId: club.venue.id, code })).ticket.state).toBe("ISSUED");
    await attendant.api.shift.clockOut();
    expect(await refusal(attendant.api.qr.checkIn({ venueId: club.venue.id, code }))).toMatchObject({ reason: "NOT_ON_SHIFT" });
  });

  it("accepts a device's operation taken during the shift even when it arrives after the clock-out", async () => {
    const attendant = await hireAttendant(t, club.organizationId, "late-sync@payday.example", [club.venue.id]);
    await attendant.api.shift.clockIn({ venueId: club.venue.id });
    const deviceId = crypto.randomUUID();
    const prepared = await attendant.api.offline.prepare({ venueId: club.venue.id, deviceId });
    const code = await walkIn();
    const publicId = code.slice(0, 20);
    await attendant.api.offline.prepare({ venueId: club.venue.id, deviceId });
    const slotId = prepared.leasedSlotIds[0]!;
    const takenAt = t.clock.now();
    t.clock.advance(60_000);
    await attendant.api.shift.clockOut();
    t.clock.advance(10 * 60_000);
    const during = await attendant.api.offline.sync({
      venueId: club.venue.id,
      deviceId,
      sentAt: t.clock.now(),
      operations: [{ opId: crypto.randomUUID(), seq: 1, takenAt, action: "CHECK_IN", publicId, slotId }],
    });
    expect(during.outcomes[0]).toMatchObject({ status: "APPLIED" });
    const after = await attendant.api.offline.sync({
      venueId: club.venue.id,
      deviceId,
      sentAt: t.clock.now(),
      operations: [{ opId: crypto.randomUUID(), seq: 2, takenAt: t.clock.now(), action: "DETACH", publicId }],
    });
    expect(after.outcomes[0]).toMatchObject({ status: "CONFLICT", reason: "NOT_ON_SHIFT" });
  });
});

describe("payment that adds up", () => {
  it("stops a hand-back of an unpaid coat, then takes the payment or a reason, once", async () => {
    const code = await walkIn();
    const scanned = await club.admin.api.qr.scan({ venueId: club.venue.id, code });
    expect(scanned.paymentDue).toEqual({ amountCents: 0, currency: "EUR", timing: "CHECK_OUT" });
    const checkedIn = await club.admin.api.qr.checkIn({ venueId: club.venue.id, code });
    expect(checkedIn.paymentDue.amountCents).toBe(300);

    const stopped = await refusal(club.admin.api.qr.checkOut({ venueId: club.venue.id, code }));
    expect(stopped).toMatchObject({ code: "CONFLICT", reason: "PAYMENT_DUE" });
    expect(stopped.message).toContain("€3.00");
    const ticket = await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: code.slice(0, 20) } });
    expect(ticket.state).toBe("CHECKED_IN");

    const both = await refusal(
      club.admin.api.qr.checkOut({ venueId: club.venue.id, code, payment: { status: "PAID_CASH" }, unpaidReason: "friend of the owner" }),
    );
    expect(both.code).toBe("BAD_REQUEST");

    const handedBack = await club.admin.api.qr.checkOut({
      venueId: club.venue.id,
      code,
      unpaidReason: "Guest had no money; will pay next time",
    });
    expect(handedBack.ticket).toMatchObject({
      state: "RETURNED",
      paymentStatus: "UNPAID",
      unpaidReason: "Guest had no money; will pay next time",
    });
    const event = await t.db.prisma.scanEvent.findFirstOrThrow({
      where: { ticketId: ticket.id, action: "CHECK_OUT", result: "OK" },
      select: { result: true, paymentStatus: true, amountCents: true },
    });
    expect(event).toEqual({ result: "OK", paymentStatus: "UNPAID", amountCents: 300 });

    // Cash or card of nothing is no payment; prepaid elsewhere is.
    const zero = await walkIn();
    await club.admin.api.qr.checkIn({ venueId: club.venue.id, code: zero });
    expect(
      await refusal(club.admin.api.qr.checkOut({ venueId: club.venue.id, code: zero, payment: { status: "PAID_CASH", amountCents: 0 } })),
    ).toMatchObject({ reason: "PAYMENT_DUE" });
    expect(
      await refusal(club.admin.api.qr.pay({ venueId: club.venue.id, code: zero, payment: { status: "PAID_CARD", amountCents: 0 } })),
    ).toMatchObject({
      reason: "PAYMENT_DUE",
    });
    const prepaid = await club.admin.api.qr.checkOut({
      venueId: club.venue.id,
      code: zero,
      payment: { status: "PREPAID", amountCents: 0 },
    });
    expect(prepaid.ticket).toMatchObject({ state: "RETURNED", paymentStatus: "PREPAID", amountCents: 0 });

    const paidCode = await walkIn();
    await club.admin.api.qr.checkIn({ venueId: club.venue.id, code: paidCode });
    const paid = await club.admin.api.qr.checkOut({ venueId: club.venue.id, code: paidCode, payment: { status: "PAID_CARD" } });
    expect(paid.ticket).toMatchObject({ paymentStatus: "PAID_CARD", amountCents: 300 });

    const to = new Date(t.clock.now().getTime() + 60_000);
    const report = await club.admin.api.qr.analytics({ venueId: club.venue.id, from: new Date(to.getTime() - 6 * 3_600_000), to });
    expect(report.revenue.totalCents).toBe(300);
    expect(report.revenue.unpaid.handedBack).toEqual({ tickets: 1, amountCents: 300 });
  });

  it("asks for payment at check-in where the venue takes it then, or a check-in that pays at pickup", async () => {
    const code = await walkIn(prepaid);
    const scanned = await prepaid.admin.api.qr.scan({ venueId: prepaid.venue.id, code });
    expect(scanned.paymentDue).toEqual({ amountCents: 250, currency: "EUR", timing: "CHECK_IN" });
    expect(await refusal(prepaid.admin.api.qr.checkIn({ venueId: prepaid.venue.id, code }))).toMatchObject({ reason: "PAYMENT_DUE" });
    const paid = await prepaid.admin.api.qr.checkIn({ venueId: prepaid.venue.id, code, payment: { status: "PAID_CASH" } });
    expect(paid.ticket.paymentStatus).toBe("PAID_CASH");
    expect(paid.paymentDue.amountCents).toBe(0);
    // Paid at check-in: the hand-back asks nothing more.
    expect((await prepaid.admin.api.qr.checkOut({ venueId: prepaid.venue.id, code })).ticket.state).toBe("RETURNED");

    const later = await walkIn(prepaid);
    const checkedIn = await prepaid.admin.api.qr.checkIn({ venueId: prepaid.venue.id, code: later, payLater: true });
    expect(checkedIn.ticket).toMatchObject({ state: "CHECKED_IN", paymentStatus: "UNPAID" });
    expect(await refusal(prepaid.admin.api.qr.checkOut({ venueId: prepaid.venue.id, code: later }))).toMatchObject({
      reason: "PAYMENT_DUE",
    });
  });

  it("does not hand over an unpaid coat from the ready rail with the scan: it asks for the payment first", async () => {
    const code = await walkIn();
    await club.admin.api.qr.checkIn({ venueId: club.venue.id, code });
    await club.admin.api.pickup.request({ code, requestId: crypto.randomUUID(), delayMinutes: 0 });
    const queue = await t.db.prisma.pickupRequest.findFirstOrThrow({ where: { ticket: { publicId: code.slice(0, 20) } } });
    await club.admin.api.pickup.fetched({ venueId: club.venue.id, requestId: queue.id });
    const scanned = await club.admin.api.qr.scan({ venueId: club.venue.id, code });
    expect(scanned).toMatchObject({ handedOver: false, paymentDue: { amountCents: 300 } });
    expect(scanned.railPosition).not.toBeNull();
    const handed = await club.admin.api.qr.checkOut({ venueId: club.venue.id, code, payment: { status: "PAID_CASH" } });
    expect(handed).toMatchObject({ ticket: { state: "RETURNED" }, railPosition: scanned.railPosition });
  });
});

describe("a ticket number when there is no code", () => {
  it("finds tonight's ticket by number, says so, and records the scan as made by number", async () => {
    const code = await walkIn();
    const ticket = await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: code.slice(0, 20) } });
    const found = await club.admin.api.qr.scan({ venueId: club.venue.id, number: ticket.number });
    expect(found).toMatchObject({ byNumber: true, ticket: { id: ticket.id, number: ticket.number } });
    const event = await t.db.prisma.scanEvent.findFirstOrThrow({ where: { ticketId: ticket.id, action: "SCAN" }, orderBy: { id: "desc" } });
    expect(event.byNumber).toBe(true);
    const byCode = await club.admin.api.qr.scan({ venueId: club.venue.id, code });
    expect(byCode.byNumber).toBe(false);
  });

  it("does not answer to a number from another venue, a number not issued, or last week's ticket", async () => {
    const elsewhere = await walkIn(prepaid);
    const other = await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: elsewhere.slice(0, 20) } });
    // The same number exists at the other venue; here it names this venue's own or nothing.
    const missing = await refusal(club.admin.api.qr.scan({ venueId: club.venue.id, number: 9_999 }));
    expect(missing).toMatchObject({ code: "NOT_FOUND", reason: "UNKNOWN_CODE" });
    expect(await refusal(club.admin.api.qr.scan({ venueId: prepaid.venue.id, number: other.number }))).toBeTruthy();
    const old = await walkIn();
    const oldTicket = await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: old.slice(0, 20) } });
    t.clock.advance(25 * 3_600_000);
    expect(await refusal(club.admin.api.qr.scan({ venueId: club.venue.id, number: oldTicket.number }))).toMatchObject({
      reason: "UNKNOWN_CODE",
    });
    t.clock.advance(-25 * 3_600_000);
  });

  it("refuses a scan with both a code and a number, or neither, as bad input", async () => {
    expect((await refusal(club.admin.api.qr.scan({ venueId: club.venue.id }))).code).toBe("BAD_REQUEST");
    expect((await refusal(club.admin.api.qr.scan({ venueId: club.venue.id, code: "x", number: 1 }))).code).toBe("BAD_REQUEST");
    expect((await refusal(club.admin.api.qr.scan({ venueId: club.venue.id, number: -1 }))).code).toBe("BAD_REQUEST");
  });
});
