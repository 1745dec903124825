import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeys } from "../config";
import { createContext } from "../context";
import { appRouter } from "../root";
import { lookupHash } from "../lib/field-crypto";
import { createTestApi, refusal, refusalOf, TEST_ORIGIN, type Refusal, type TestApi } from "../testing";
import { candidateCode, codeFor } from "./codes";
import { type hireAttendant, hireAttendantOnShift, onShiftAt, openVenue, setClock, storedEventSelect } from "./testing";

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let annex: Awaited<ReturnType<typeof club.admin.api.venue.create>>;
let rival: Awaited<ReturnType<typeof openVenue>>;
let attendant: Awaited<ReturnType<typeof hireAttendant>>;
let guest: Awaited<ReturnType<TestApi["signUp"]>>;

const hanger = (n: number) => club.racks.HANGER!.slots[n - 1]!;
const shelf = (n: number) => club.racks.SHELF!.slots[n - 1]!;

beforeAll(async () => {
  t = await createTestApi();
  setClock(t, "2026-12-04T21:30:00Z");
  club = await openVenue(t, "Velvet", { hangers: 3, shelves: 2, inOutAllowance: 1, priceCents: 250 });
  annex = await club.admin.api.venue.create({ name: "Annex Club", timezone: "Europe/Berlin", opensAt: "20:00", closesAt: "02:00" });
  await club.admin.api.rack.create({ venueId: annex.id, name: "Annex rack", slotCount: 2, kind: "HANGER" });
  rival = await openVenue(t, "Rival", { hangers: 2 });
  attendant = await hireAttendantOnShift(t, club.organizationId, "attendant@velvet.example", [club.venue.id], "Ada Attendant");
  guest = await t.signUp({ email: "guest@example.com", name: "Gus Guest" });
});
afterAll(() => t.close());

/** A fresh ticket at the club, issued at the counter. */
async function walkIn(venueId = club.venue.id) {
  const issue = async () => (await club.admin.api.qr.issueWalkIn({ venueId })).code;
  return venueId === club.venue.id ? issue() : onShiftAt(club.admin.api, venueId, club.venue.id, issue);
}

/**
 * Runs one counter call and returns what it answered (or how it was refused) with the one
 * scan event it must have written.
 */
async function attempt<T>(call: () => Promise<T>) {
  const before = await t.db.prisma.scanEvent.count();
  let result: T | null = null;
  let refused: Refusal | null = null;
  try {
    result = await call();
  } catch (error) {
    refused = refusalOf(error);
  }
  expect(await t.db.prisma.scanEvent.count(), "exactly one scan event per attempt").toBe(before + 1);
  const event = await t.db.prisma.scanEvent.findFirstOrThrow({ orderBy: { id: "desc" }, select: storedEventSelect });
  return { result, refused, event };
}

async function ticketIdOf(code: string) {
  return (await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: code.slice(0, 20) }, select: { id: true } })).id;
}

describe("a coat's night at the counter", () => {
  it("scan → check-in → swap → detach → check-in → check-out, each recorded", async () => {
    const { code, url } = await guest.api.qr.request({ venueId: club.venue.id });
    const ticketId = await ticketIdOf(code);
    const staff = attendant.api.qr;
    const venueId = club.venue.id;

    const scanned = await attempt(() => staff.scan({ venueId, code: url }));
    expect(scanned.result).toMatchObject({
      ticket: {
        id: ticketId,
        state: "ISSUED",
        slot: null,
        guestName: "Gus Guest",
        contactName: null,
        paymentStatus: "UNPAID",
        inOutAllowance: 1,
      },
      allowedActions: ["CHECK_IN", "VOID", "PAY"],
      proposedSlot: { id: hanger(1).id, number: hanger(1).number, kind: "HANGER", rackName: "Hangers" },
      releasedSlot: null,
    });
    expect(scanned.event).toMatchObject({
      action: "SCAN",
      result: "OK",
      reason: null,
      employeeId: attendant.employeeId,
      ticketId,
      fromState: "ISSUED",
      toState: null,
      venueId,
      organizationId: club.organizationId,
    });
    expect((await staff.scan({ venueId, code, kind: "SHELF" })).proposedSlot?.id).toBe(shelf(1).id);

    const checkedIn = await attempt(() => staff.checkIn({ venueId, code, payment: { status: "PAID_CASH" } }));
    expect(checkedIn.result).toMatchObject({
      ticket: { state: "CHECKED_IN", slot: { id: hanger(1).id, number: 1 }, paymentStatus: "PAID_CASH", amountCents: 250 },
      allowedActions: ["CHECK_OUT", "SWAP", "DETACH", "VOID"],
    });
    expect(checkedIn.event).toMatchObject({
      action: "CHECK_IN",
      result: "OK",
      fromState: "ISSUED",
      toState: "CHECKED_IN",
      slotId: hanger(1).id,
      toSlotId: null,
      paymentStatus: "PAID_CASH",
      amountCents: 250,
    });

    const swapped = await attempt(() => staff.swap({ venueId, ticketId, toSlotId: hanger(3).id }));
    expect(swapped.result).toMatchObject({ ticket: { slot: { number: 3 } }, releasedSlot: { number: 1 } });
    expect(swapped.event).toMatchObject({
      action: "SWAP",
      fromState: "CHECKED_IN",
      toState: "CHECKED_IN",
      slotId: hanger(1).id,
      toSlotId: hanger(3).id,
    });

    const detached = await attempt(() => staff.detach({ venueId, code }));
    expect(detached.result).toMatchObject({ ticket: { state: "ISSUED", slot: null, inOutsUsed: 1 }, releasedSlot: { number: 3 } });
    expect(detached.result!.allowedActions).toEqual(["CHECK_IN", "VOID"]);
    expect(detached.event).toMatchObject({ action: "DETACH", fromState: "CHECKED_IN", toState: "ISSUED", slotId: hanger(3).id });

    const again = await staff.checkIn({ venueId, code, slotId: hanger(2).id });
    expect(again.ticket.slot?.number).toBe(2);
    expect(again.allowedActions).not.toContain("DETACH");

    const noMore = await attempt(() => staff.detach({ venueId, code }));
    expect(noMore.refused).toMatchObject({
      code: "CONFLICT",
      reason: "ALLOWANCE_USED_UP",
      message: "This ticket has used its 1 in & out: check the coat out instead.",
    });
    expect(noMore.event).toMatchObject({
      action: "DETACH",
      result: "REFUSED",
      reason: "ALLOWANCE_USED_UP",
      ticketId,
      fromState: "CHECKED_IN",
      slotId: hanger(2).id,
    });

    setClock(t, "2026-12-05T01:07:00Z");
    const out = await attempt(() => staff.checkOut({ venueId, code }));
    expect(out.result).toMatchObject({
      ticket: { state: "RETURNED", slot: null },
      releasedSlot: { id: hanger(2).id, number: 2, rackName: "Hangers" },
      allowedActions: [],
    });
    expect(out.event).toMatchObject({
      action: "CHECK_OUT",
      result: "OK",
      fromState: "CHECKED_IN",
      toState: "RETURNED",
      slotId: hanger(2).id,
    });
    expect(
      await t.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { state: true, slotId: true, inOutsUsed: true } }),
    ).toEqual({
      state: "RETURNED",
      slotId: null,
      inOutsUsed: 1,
    });

    // Berlin is an hour ahead of UTC in December: the attendant reads their own time.
    const returned = await attempt(() => staff.scan({ venueId, code }));
    expect(returned.refused).toMatchObject({
      code: "CONFLICT",
      reason: "ALREADY_RETURNED",
      message: "This ticket was already returned at 02:07 on Sat 5 Dec.",
    });
    expect(returned.event).toMatchObject({
      action: "SCAN",
      result: "REFUSED",
      reason: "ALREADY_RETURNED",
      ticketId,
      fromState: "RETURNED",
    });
    for (const call of [
      () => staff.checkIn({ venueId, code }),
      () => staff.checkOut({ venueId, code }),
      () => staff.void({ venueId, code }),
      () => staff.pay({ venueId, code, payment: { status: "PAID_CARD" } }),
    ]) {
      const { refused, event } = await attempt(call);
      expect(refused).toMatchObject({ code: "CONFLICT", reason: "ALREADY_RETURNED" });
      expect(event).toMatchObject({ result: "REFUSED", reason: "ALREADY_RETURNED" });
    }
  });

  it("void: an issued ticket with a reason, a checked-in one freeing its slot; voided tickets are refused", async () => {
    const venueId = club.venue.id;
    const issued = await walkIn();
    const voided = await attempt(() => attendant.api.qr.void({ venueId, code: issued, reason: "guest lost the phone" }));
    expect(voided.result?.ticket.state).toBe("VOIDED");
    expect(voided.event).toMatchObject({ action: "VOID", result: "OK", fromState: "ISSUED", toState: "VOIDED", slotId: null });
    const scanned = await attempt(() => attendant.api.qr.scan({ venueId, code: issued }));
    expect(scanned.refused).toMatchObject({ code: "CONFLICT", reason: "VOIDED", message: "This ticket was voided: guest lost the phone." });
    expect(scanned.event).toMatchObject({ action: "SCAN", result: "REFUSED", reason: "VOIDED", fromState: "VOIDED", toState: null });
    expect((await refusal(attendant.api.qr.checkIn({ venueId, code: issued }))).reason).toBe("VOIDED");

    const hung = await walkIn();
    await attendant.api.qr.checkIn({ venueId, code: hung, slotId: hanger(3).id });
    const voidedHung = await attempt(() => attendant.api.qr.void({ venueId, code: hung }));
    expect(voidedHung.result).toMatchObject({ ticket: { state: "VOIDED", slot: null }, releasedSlot: { number: 3 } });
    expect(voidedHung.event).toMatchObject({ fromState: "CHECKED_IN", toState: "VOIDED", slotId: hanger(3).id });
    expect(await t.db.prisma.ticket.count({ where: { slotId: hanger(3).id } })).toBe(0);
  });

  it("refuses what the state does not allow, naming the state", async () => {
    const venueId = club.venue.id;
    const code = await walkIn();
    for (const [call, message] of [
      [() => attendant.api.qr.checkOut({ venueId, code }), "This ticket is not checked in: there is no coat to hand back."],
      [() => attendant.api.qr.swap({ venueId, code, toSlotId: hanger(2).id }), "This ticket is not checked in."],
      [() => attendant.api.qr.detach({ venueId, code }), "This ticket is not checked in."],
    ] as const) {
      const { refused, event } = await attempt(call);
      expect(refused).toMatchObject({ code: "CONFLICT", reason: "NOT_CHECKED_IN", message });
      expect(event).toMatchObject({ result: "REFUSED", reason: "NOT_CHECKED_IN", fromState: "ISSUED", toState: null });
    }
    await attendant.api.qr.checkIn({ venueId, code, slotId: hanger(1).id });
    const twice = await attempt(() => attendant.api.qr.checkIn({ venueId, code }));
    expect(twice.refused).toMatchObject({
      code: "CONFLICT",
      reason: "ALREADY_CHECKED_IN",
      message: "This ticket is already checked in, on slot 1.",
    });
    expect(twice.event).toMatchObject({ action: "CHECK_IN", reason: "ALREADY_CHECKED_IN", fromState: "CHECKED_IN", slotId: hanger(1).id });
    await attendant.api.qr.checkOut({ venueId, code, unpaidReason: "Guest list" });
  });

  it("a venue without in & outs refuses every detach", async () => {
    await club.admin.api.venue.update({ venueId: club.venue.id, inOutAllowance: 0 });
    const code = await walkIn();
    await attendant.api.qr.checkIn({ venueId: club.venue.id, code });
    expect(await refusal(attendant.api.qr.detach({ venueId: club.venue.id, code }))).toMatchObject({
      reason: "ALLOWANCE_USED_UP",
      message: "This venue gives no in & outs: check the coat out instead.",
    });
    await club.admin.api.venue.update({ venueId: club.venue.id, inOutAllowance: 1 });
    await attendant.api.qr.checkOut({ venueId: club.venue.id, code, unpaidReason: "Guest list" });
  });

  it("records payment alone, once; a paid ticket refuses a second payment", async () => {
    const venueId = club.venue.id;
    const code = await walkIn();
    const paid = await attempt(() => attendant.api.qr.pay({ venueId, code, payment: { status: "PAID_CARD", amountCents: 300 } }));
    expect(paid.result).toMatchObject({
      ticket: { state: "ISSUED", paymentStatus: "PAID_CARD", amountCents: 300 },
      allowedActions: ["CHECK_IN", "VOID"],
    });
    expect(paid.event).toMatchObject({
      action: "PAY",
      result: "OK",
      fromState: "ISSUED",
      toState: "ISSUED",
      paymentStatus: "PAID_CARD",
      amountCents: 300,
    });
    const twice = await attempt(() => attendant.api.qr.pay({ venueId, code, payment: { status: "PAID_CASH" } }));
    expect(twice.refused).toMatchObject({ code: "CONFLICT", reason: "ALREADY_PAID", message: "This ticket is already paid by card." });
    expect(twice.event).toMatchObject({
      action: "PAY",
      result: "REFUSED",
      reason: "ALREADY_PAID",
      fromState: "ISSUED",
      paymentStatus: null,
      amountCents: null,
    });
    const withPayment = await attempt(() => attendant.api.qr.checkIn({ venueId, code, payment: { status: "PAID_CASH" } }));
    expect(withPayment.refused?.reason).toBe("ALREADY_PAID");
    expect(withPayment.event).toMatchObject({ action: "CHECK_IN", result: "REFUSED", reason: "ALREADY_PAID", slotId: null });
    expect((await t.db.prisma.ticket.findFirstOrThrow({ where: { publicId: code.slice(0, 20) } })).state).toBe("ISSUED");
    await attendant.api.qr.void({ venueId, code });
  });

  it("takes payment at check-out too", async () => {
    const code = await walkIn();
    await attendant.api.qr.checkIn({ venueId: club.venue.id, code });
    const out = await attempt(() =>
      attendant.api.qr.checkOut({ venueId: club.venue.id, code, payment: { status: "PREPAID", amountCents: 0 } }),
    );
    expect(out.result?.ticket).toMatchObject({ state: "RETURNED", paymentStatus: "PREPAID", amountCents: 0 });
    expect(out.event).toMatchObject({ action: "CHECK_OUT", paymentStatus: "PREPAID", amountCents: 0 });
  });

  it("a forgotten coat can only be handed back", async () => {
    const venueId = club.venue.id;
    const code = await walkIn();
    await attendant.api.qr.checkIn({ venueId, code });
    await t.db.prisma.ticket.update({ where: { publicId: code.slice(0, 20) }, data: { state: "FORGOTTEN", slotId: null } });
    const scanned = await attendant.api.qr.scan({ venueId, code });
    expect(scanned).toMatchObject({ ticket: { state: "FORGOTTEN", slot: null }, allowedActions: ["CHECK_OUT", "PAY"], proposedSlot: null });
    for (const call of [
      () => attendant.api.qr.checkIn({ venueId, code }),
      () => attendant.api.qr.swap({ venueId, code, toSlotId: hanger(2).id }),
      () => attendant.api.qr.detach({ venueId, code }),
      () => attendant.api.qr.void({ venueId, code }),
    ]) {
      const { refused, event } = await attempt(call);
      expect(refused).toMatchObject({ code: "CONFLICT", reason: "FORGOTTEN" });
      expect(event).toMatchObject({ reason: "FORGOTTEN", fromState: "FORGOTTEN" });
    }
    const out = await attempt(() => attendant.api.qr.checkOut({ venueId, code, unpaidReason: "Guest list" }));
    expect(out.result?.ticket.state).toBe("RETURNED");
    expect(out.event).toMatchObject({ fromState: "FORGOTTEN", toState: "RETURNED", slotId: null });
  });
});

describe("slots", () => {
  it("refuses a slot of another venue, of the wrong kind, or taken; a swap onto its own slot", async () => {
    const venueId = club.venue.id;
    const code = await walkIn();
    const annexSlot = await t.db.prisma.slot.findFirstOrThrow({ where: { venueId: annex.id }, select: { id: true } });

    const elsewhere = await attempt(() => attendant.api.qr.checkIn({ venueId, code, slotId: annexSlot.id }));
    expect(elsewhere.refused).toMatchObject({
      code: "NOT_FOUND",
      reason: "SLOT_NOT_FOUND",
      message: "There is no such slot at this venue.",
    });
    expect(elsewhere.event).toMatchObject({ action: "CHECK_IN", result: "REFUSED", reason: "SLOT_NOT_FOUND", slotId: annexSlot.id });

    const wrongKind = await attempt(() => attendant.api.qr.checkIn({ venueId, code, slotId: shelf(1).id, kind: "HANGER" }));
    expect(wrongKind.refused).toMatchObject({ code: "CONFLICT", reason: "SLOT_WRONG_KIND", message: "Slot 4 is a shelf, not a hanger." });
    expect(wrongKind.event).toMatchObject({ action: "CHECK_IN", result: "REFUSED", reason: "SLOT_WRONG_KIND", slotId: shelf(1).id });

    const other = await walkIn();
    await attendant.api.qr.checkIn({ venueId, code: other, slotId: hanger(2).id });
    const otherNumber = (await attendant.api.qr.scan({ venueId, code: other })).ticket.number;
    const taken = await attempt(() => attendant.api.qr.checkIn({ venueId, code, slotId: hanger(2).id }));
    expect(taken.refused).toMatchObject({ code: "CONFLICT", reason: "SLOT_TAKEN", message: `Slot 2 is taken by ticket ${otherNumber}.` });
    expect(taken.event).toMatchObject({ reason: "SLOT_TAKEN", fromState: "ISSUED", slotId: hanger(2).id });

    await attendant.api.qr.checkIn({ venueId, code, slotId: shelf(1).id });
    const swapTaken = await attempt(() => attendant.api.qr.swap({ venueId, code, toSlotId: hanger(2).id }));
    expect(swapTaken.refused?.reason).toBe("SLOT_TAKEN");
    expect(swapTaken.event).toMatchObject({ action: "SWAP", reason: "SLOT_TAKEN", slotId: shelf(1).id, toSlotId: hanger(2).id });
    const ownSlot = await attempt(() => attendant.api.qr.swap({ venueId, code, toSlotId: shelf(1).id }));
    expect(ownSlot.refused).toMatchObject({ reason: "SLOT_TAKEN", message: "The coat is already on slot 4." });

    // A bag put on a hanger by mistake moves to a shelf: a swap may change the kind.
    await attendant.api.qr.swap({ venueId, code, toSlotId: hanger(1).id });
    expect((await attendant.api.qr.swap({ venueId, code, toSlotId: shelf(2).id })).ticket.slot?.kind).toBe("SHELF");
    for (const done of [code, other]) await attendant.api.qr.checkOut({ venueId, code: done, unpaidReason: "Guest list" });
  });

  it("says so when no slot of the kind is free", async () => {
    const venueId = club.venue.id;
    const bags = [await walkIn(), await walkIn()];
    for (const code of bags) await attendant.api.qr.checkIn({ venueId, code, kind: "SHELF" });
    const code = await walkIn();
    expect((await attendant.api.qr.scan({ venueId, code, kind: "SHELF" })).proposedSlot).toBeNull();
    const full = await attempt(() => attendant.api.qr.checkIn({ venueId, code, kind: "SHELF" }));
    expect(full.refused).toMatchObject({ code: "CONFLICT", reason: "NO_FREE_SLOT", message: "There is no free shelf left at this venue." });
    expect(full.event).toMatchObject({ action: "CHECK_IN", result: "REFUSED", reason: "NO_FREE_SLOT", fromState: "ISSUED", slotId: null });
    expect((await attendant.api.qr.checkIn({ venueId, code })).ticket.slot?.kind).toBe("HANGER");
    for (const done of [...bags, code]) await attendant.api.qr.checkOut({ venueId, code: done, unpaidReason: "Guest list" });
  });
});

describe("codes at the counter", () => {
  it("scans the bare code or the URL, any host, any case, with spaces around", async () => {
    const code = await walkIn();
    for (const input of [code, ` ${code.toUpperCase()} `, `https://old-host.example/t/${code}?utm=poster`, `qrcoats.test/t/${code}/`]) {
      expect((await attendant.api.qr.scan({ venueId: club.venue.id, code: input })).ticket.state).toBe("ISSUED");
    }
  });

  it("an altered, forged or foreign code is NOT_FOUND, kept only as a keyed hash", async () => {
    const code = await walkIn();
    const publicId = code.slice(0, 20);
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "a" ? "b" : "a") + text.slice(at + 1);
    const forged = codeFor(generateKeys().ticketSigning, publicId);
    for (const input of [flip(code, 39), flip(code, 3), forged, "hello", `https://qrcoats.test/t/${flip(code, 25)}`]) {
      const { refused, event } = await attempt(() => attendant.api.qr.scan({ venueId: club.venue.id, code: input }));
      expect(refused).toMatchObject({ code: "NOT_FOUND", reason: "UNKNOWN_CODE" });
      expect(event).toMatchObject({
        action: "SCAN",
        result: "REFUSED",
        ticketId: null,
        fromState: null,
        unknownCodeHash: lookupHash(t.config.keys, "scan.unknownCode", candidateCode(input)),
      });
      expect(event.unknownCodeHash).not.toContain(candidateCode(input));
    }
  });

  it("another venue of the organization is named; another organization's venue is not", async () => {
    const annexCode = await walkIn(annex.id);
    const wrong = await attempt(() => attendant.api.qr.checkIn({ venueId: club.venue.id, code: annexCode }));
    expect(wrong.refused).toMatchObject({ code: "CONFLICT", reason: "WRONG_VENUE", message: "This ticket is for Annex Club." });
    expect(wrong.event).toMatchObject({
      result: "REFUSED",
      reason: "WRONG_VENUE",
      ticketId: await ticketIdOf(annexCode),
      venueId: club.venue.id,
    });

    const rivalCode = (await rival.admin.api.qr.issueWalkIn({ venueId: rival.venue.id })).code;
    const foreign = await attempt(() => attendant.api.qr.scan({ venueId: club.venue.id, code: rivalCode }));
    expect(foreign.refused).toMatchObject({ code: "CONFLICT", reason: "WRONG_VENUE", message: "This ticket is for another venue." });
    expect(foreign.event).toMatchObject({
      ticketId: null,
      organizationId: club.organizationId,
      unknownCodeHash: lookupHash(t.config.keys, "scan.unknownCode", rivalCode),
    });
    // Picking the other tenant's ticket by id fares no better: the id is answered as unknown.
    const byId = await refusal(attendant.api.qr.checkOut({ venueId: club.venue.id, ticketId: await ticketIdOf(rivalCode) }));
    const unknownId = await refusal(attendant.api.qr.checkOut({ venueId: club.venue.id, ticketId: crypto.randomUUID() }));
    expect(byId).toMatchObject({ code: "NOT_FOUND", reason: "UNKNOWN_CODE" });
    expect(byId).toEqual(unknownId);
  });

  it("takes the ticket by id as well, but not both ways at once", async () => {
    const code = await walkIn();
    const ticketId = await ticketIdOf(code);
    expect((await attendant.api.qr.checkIn({ venueId: club.venue.id, ticketId })).ticket.state).toBe("CHECKED_IN");
    expect(await refusal(attendant.api.qr.checkOut({ venueId: club.venue.id, ticketId, code }))).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { code: ["Scan the ticket, or pick it from a list: one of the two."] },
    });
    expect((await refusal(attendant.api.qr.checkOut({ venueId: club.venue.id }))).code).toBe("BAD_REQUEST");
    await attendant.api.qr.checkOut({ venueId: club.venue.id, ticketId, unpaidReason: "Guest list" });
  });
});

describe("who may work the counter", () => {
  it("only members working at the venue; refusals of access write no event", async () => {
    const code = await walkIn(annex.id);
    const before = await t.db.prisma.scanEvent.count();
    expect(await refusal(attendant.api.qr.scan({ venueId: annex.id, code }))).toMatchObject({
      code: "FORBIDDEN",
      message: "You are not assigned to this venue.",
    });
    expect(await refusal(attendant.api.qr.issueWalkIn({ venueId: annex.id }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(rival.admin.api.qr.scan({ venueId: club.venue.id, code }))).toMatchObject({
      code: "NOT_FOUND",
      message: "No such venue.",
    });
    expect((await refusal(rival.admin.api.qr.checkIn({ venueId: club.venue.id, code }))).code).toBe("NOT_FOUND");
    expect((await refusal(guest.api.qr.scan({ venueId: club.venue.id, code }))).code).toBe("FORBIDDEN");
    expect((await refusal(t.client().api.qr.checkOut({ venueId: club.venue.id, code }))).code).toBe("UNAUTHORIZED");
    expect(await t.db.prisma.scanEvent.count()).toBe(before);
    // The admin works every venue of the organization.
    const atAnnex = await onShiftAt(club.admin.api, annex.id, club.venue.id, () => club.admin.api.qr.scan({ venueId: annex.id, code }));
    expect(atAnnex.ticket.state).toBe("ISSUED");
  });
});

describe("refusals on the wire", () => {
  it("carry their reason in data.reason, for the counter app to act on", async () => {
    const cookie = [...attendant.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const headers = { origin: TEST_ORIGIN, cookie, "content-type": "application/json", host: new URL(TEST_ORIGIN).host };
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      router: appRouter,
      req: new Request(`${TEST_ORIGIN}/trpc/qr.scan`, {
        method: "POST",
        headers,
        body: JSON.stringify(superjson.serialize({ venueId: club.venue.id, code: "nonsense" })),
      }),
      createContext: ({ req }) =>
        createContext(t.services, { headers: req.headers, clientAddress: "203.0.113.10", secure: false, responseHeaders: new Headers() }),
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { json: { message: string; data: { code: string; reason: string | null } } } };
    expect(body.error.json).toMatchObject({
      message: "This is not one of our tickets. Ask for the ticket number or the guest's name.",
      data: { code: "NOT_FOUND", reason: "UNKNOWN_CODE" },
    });
  });
});
