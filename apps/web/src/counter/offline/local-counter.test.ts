import type { OfflineSlot, OfflineTicket } from "@qrcoats/api/client";
import { describe, expect, it } from "vitest";
import { applyOperation, paymentNotAsked, ticketByNumber, type Copy, type Venue } from "./local-counter";

const NOW = new Date("2026-12-08T01:00:00Z");
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
const hook = (number: number): OfflineSlot => ({ id: `s${number}`, number, kind: "HANGER", rackName: "Rack A" });

function ticket(number: number, change: Partial<OfflineTicket> = {}): OfflineTicket {
  return {
    id: `t${number}`,
    publicId: `p${number}`,
    codeCheck: "check",
    number,
    state: "CHECKED_IN",
    slot: hook(number),
    paymentStatus: "UNPAID",
    amountCents: null,
    inOutsUsed: 0,
    name: "Gus Guest",
    voidReason: null,
    issuedAt: hoursAgo(1),
    checkedInAt: hoursAgo(1),
    returnedAt: null,
    pickup: null,
    ...change,
  };
}

function copyOf(venue: Partial<Venue>, ...tickets: OfflineTicket[]): Copy {
  return {
    venue: { id: "v", name: "Velvet Room", timezone: "Europe/Berlin", inOutAllowance: 1, priceCents: 300, currency: "EUR", ...venue },
    slots: [hook(1), hook(2), hook(3)],
    leasedSlotIds: ["s1", "s2", "s3"],
    tickets: new Map(tickets.map((held) => [held.publicId, held])),
    pool: [],
  };
}

describe("the counter asks for payment before the step that owes it", () => {
  it("refuses a hand-back of an unpaid priced coat with neither a payment nor a reason", () => {
    const copy = copyOf({ paymentTiming: "CHECK_OUT" }, ticket(1));
    expect(paymentNotAsked(copy, { action: "CHECK_OUT", publicId: "p1" })).toMatchObject({ allowed: false, reason: "PAYMENT_DUE" });
    expect(paymentNotAsked(copy, { action: "CHECK_OUT", publicId: "p1", unpaidReason: "  " })).toMatchObject({ reason: "PAYMENT_DUE" });
    expect(paymentNotAsked(copy, { action: "CHECK_OUT", publicId: "p1", unpaidReason: "Guest can't pay" })).toBeNull();
    expect(paymentNotAsked(copy, { action: "CHECK_OUT", publicId: "p1", payment: { status: "PAID_CARD", amountCents: 300 } })).toBeNull();
  });

  it("lets a paid coat, a free venue's coat and a device from before payment timing go back as before", () => {
    expect(paymentNotAsked(copyOf({}, ticket(1, { paymentStatus: "PAID_CASH" })), { action: "CHECK_OUT", publicId: "p1" })).toBeNull();
    expect(paymentNotAsked(copyOf({ priceCents: 0 }, ticket(1)), { action: "CHECK_OUT", publicId: "p1" })).toBeNull();
    // No paymentTiming stored: the default, payment at check-out, so the check-in asks nothing.
    const issued = ticket(2, { state: "ISSUED", slot: null, checkedInAt: null });
    expect(paymentNotAsked(copyOf({}, issued), { action: "CHECK_IN", publicId: "p2", slotId: "s2" })).toBeNull();
    expect(paymentNotAsked(copyOf({}, ticket(1)), { action: "CHECK_OUT", publicId: "p1" })).toMatchObject({ reason: "PAYMENT_DUE" });
  });

  it("asks at check-in where the venue takes payment then: a payment or 'pays at pickup'", () => {
    const issued = ticket(2, { state: "ISSUED", slot: null, checkedInAt: null });
    const copy = copyOf({ paymentTiming: "CHECK_IN" }, issued);
    expect(paymentNotAsked(copy, { action: "CHECK_IN", publicId: "p2", slotId: "s2" })).toMatchObject({ reason: "PAYMENT_DUE" });
    expect(paymentNotAsked(copy, { action: "CHECK_IN", publicId: "p2", slotId: "s2", payLater: true })).toBeNull();
    const paid = applyOperation(copy, { action: "CHECK_IN", publicId: "p2", slotId: "s2", payment: { status: "PAID_CASH" } }, NOW);
    expect(paid).toMatchObject({ allowed: true, ticket: { state: "CHECKED_IN", paymentStatus: "PAID_CASH", amountCents: 300 } });
    // Paid at check-in: the hand-back owes nothing more.
    const later = copyOf({ paymentTiming: "CHECK_IN" }, ticket(2, { paymentStatus: "PAID_CASH", amountCents: 300 }));
    expect(paymentNotAsked(later, { action: "CHECK_OUT", publicId: "p2" })).toBeNull();
  });

  it("hands a coat back unpaid with its reason: returned, slot free, still unpaid", () => {
    const copy = copyOf({}, ticket(1));
    const applied = applyOperation(copy, { action: "CHECK_OUT", publicId: "p1", unpaidReason: "Guest list / staff" }, NOW);
    expect(applied).toMatchObject({
      allowed: true,
      ticket: { state: "RETURNED", slot: null, paymentStatus: "UNPAID" },
      releasedSlot: hook(1),
    });
  });
});

describe("tonight's ticket by its number", () => {
  it("finds a ticket issued in the last day, or a coat still on the racks, and nothing older", () => {
    const recent = ticket(42, { state: "ISSUED", slot: null, issuedAt: hoursAgo(3) });
    const yesterdaysCoat = ticket(7, { issuedAt: hoursAgo(30) });
    const oldReturned = ticket(8, { state: "RETURNED", slot: null, issuedAt: hoursAgo(30) });
    const copy = copyOf({}, recent, yesterdaysCoat, oldReturned);
    expect(ticketByNumber(copy, 42, NOW)?.publicId).toBe("p42");
    expect(ticketByNumber(copy, 7, NOW)?.publicId).toBe("p7");
    expect(ticketByNumber(copy, 8, NOW)).toBeUndefined();
    expect(ticketByNumber(copy, 99, NOW)).toBeUndefined();
  });
});
