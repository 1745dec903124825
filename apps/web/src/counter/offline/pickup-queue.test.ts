import type { OfflineSlot, OfflineTicket, Operation, PickupEntry, VenueQueue } from "@qrcoats/api/client";
import { describe, expect, it } from "vitest";
import { applyOperation, isOnRail, type Copy } from "./local-counter";
import { counterQueue, goesBackToRack, newerQueue, pickupSections, withQueuePickups } from "./pickup-queue";

const T0 = new Date("2026-12-08T01:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const rackA = (number: number): OfflineSlot => ({ id: `a${number}`, number, kind: "HANGER", rackName: "Rack A" });
const rackB = (number: number): OfflineSlot => ({ id: `b${number}`, number, kind: "HANGER", rackName: "Rack B" });

function ticket(number: number, slot: OfflineSlot | null, pickup: OfflineTicket["pickup"] = null): OfflineTicket {
  return {
    id: `t${number}`,
    publicId: `p${number}`,
    codeCheck: "check",
    number,
    state: slot ? "CHECKED_IN" : "ISSUED",
    slot,
    paymentStatus: "UNPAID",
    amountCents: null,
    inOutsUsed: 0,
    name: null,
    voidReason: null,
    issuedAt: T0,
    checkedInAt: slot ? T0 : null,
    returnedAt: null,
    pickup,
  };
}

function copyOf(...tickets: OfflineTicket[]): Copy {
  return {
    venue: { id: "v", name: "Velvet Room", timezone: "Europe/Berlin", inOutAllowance: 1, priceCents: 0, currency: "EUR" },
    slots: [],
    leasedSlotIds: [],
    tickets: new Map(tickets.map((held) => [held.publicId, held])),
    pool: [],
  };
}

function entry(number: number, slot: OfflineSlot | null, change: Partial<PickupEntry> = {}): PickupEntry {
  return {
    id: `r${number}`,
    ticketId: `t${number}`,
    ticketNumber: number,
    state: "QUEUED",
    requestedBy: "GUEST",
    requestedAt: T0,
    dueAt: T0,
    fetchingAt: null,
    fetchingBy: null,
    readyAt: null,
    railPosition: null,
    uncollectedTo: null,
    slot,
    ...change,
  };
}

function queueOf(entries: PickupEntry[], change: Partial<VenueQueue> = {}): VenueQueue {
  return {
    venueId: "v",
    venueName: "Velvet Room",
    readAt: T0,
    rules: { enabled: true, queueCap: 0, holdMinutes: 15, uncollected: "RACK" },
    fetchSeconds: 60,
    fetchSamples: 0,
    attendants: 1,
    entries,
    ...change,
  };
}

let seq = 0;
const operation = (action: "PICKUP_START" | "PICKUP_FETCHED" | "CHECK_OUT", publicId: string, takenAt = T0): Operation => ({
  opId: crypto.randomUUID(),
  seq: ++seq,
  takenAt,
  action,
  publicId,
});

const pickupOf = (request: PickupEntry) => ({
  requestId: request.id,
  state: request.state,
  dueAt: request.dueAt,
  railPosition: request.railPosition,
  uncollectedTo: request.uncollectedTo,
});

describe("the queue's requests in the device's tickets", () => {
  it("writes each ticket's request from the queue, and clears those the queue no longer has", () => {
    const stale = ticket(2, rackA(2), { requestId: "old", state: "QUEUED", dueAt: T0, railPosition: null, uncollectedTo: null });
    const copy = copyOf(ticket(1, rackA(1)), stale);
    const ready = entry(1, rackA(1), { state: "READY", railPosition: 4 });

    const merged = withQueuePickups(copy, queueOf([ready]), []);

    expect(merged.copy.tickets.get("p1")!.pickup).toEqual(pickupOf(ready));
    expect(merged.copy.tickets.get("p2")!.pickup).toBeNull();
    expect(merged.changed.map((changed) => changed.number).sort()).toEqual([1, 2]);
    expect(merged.unknown).toBe(false);
    // The scan that follows knows the coat is on the rail.
    expect(isOnRail(merged.copy.tickets.get("p1")!)).toBe(true);
  });

  it("lays this device's queued steps and hand-overs over the server's word", () => {
    const copy = copyOf(ticket(1, rackA(1)), ticket(2, rackA(2)), ticket(3, rackA(3)));
    const queue = queueOf([entry(1, rackA(1)), entry(2, rackA(2)), entry(3, rackA(3), { state: "READY", railPosition: 1 })]);
    const queued = [
      operation("PICKUP_START", "p1"),
      operation("PICKUP_START", "p2"),
      operation("PICKUP_FETCHED", "p2"),
      operation("CHECK_OUT", "p3"),
    ];

    const { copy: merged } = withQueuePickups(copy, queue, queued);

    expect(merged.tickets.get("p1")!.pickup?.state).toBe("FETCHING");
    expect(merged.tickets.get("p2")!.pickup).toMatchObject({ state: "READY", railPosition: null });
    expect(merged.tickets.get("p3")!.pickup).toBeNull();
  });

  it("says when the queue names a ticket the copy does not hold, and leaves unsynced walk-ins alone", () => {
    const walkIn = { ...ticket(9, null), id: "" };
    const merged = withQueuePickups(copyOf(walkIn), queueOf([entry(5, rackA(5))]), []);
    expect(merged.unknown).toBe(true);
    expect(merged.changed).toEqual([]);
  });

  it("changes nothing when the tickets already say what the queue says", () => {
    const request = entry(1, rackA(1), { state: "FETCHING" });
    const copy = copyOf(ticket(1, rackA(1), pickupOf(request)));
    const merged = withQueuePickups(copy, queueOf([request]), []);
    expect(merged.copy).toBe(copy);
  });

  it("keeps the queue the server read last, whichever arrived last", () => {
    const earlier = { queue: queueOf([], { readAt: at(0) }), receivedAt: at(1) };
    const later = { queue: queueOf([], { readAt: at(1) }), receivedAt: at(1) };
    expect(newerQueue(later, earlier)).toBe(later);
    expect(newerQueue(earlier, later)).toBe(later);
    expect(newerQueue(null, earlier)).toBe(earlier);
    expect(newerQueue(earlier, null)).toBe(earlier);
  });
});

describe("the pickup steps on the device", () => {
  it("starts and fetches an open request; the rail place stays the server's to give", () => {
    const request = entry(1, rackA(1));
    const copy = copyOf(ticket(1, rackA(1), pickupOf(request)));
    const started = applyOperation(copy, { action: "PICKUP_START", publicId: "p1" }, T0);
    expect(started.allowed && started.ticket?.pickup?.state).toBe("FETCHING");
    const fetched = applyOperation(copy, { action: "PICKUP_FETCHED", publicId: "p1" }, T0);
    expect(fetched.allowed && fetched.ticket?.pickup).toMatchObject({ state: "READY", railPosition: null });
    expect(fetched.allowed && isOnRail(fetched.ticket!)).toBe(true);
  });

  it("refuses a step on a ticket with no open request", () => {
    const refused = applyOperation(copyOf(ticket(1, rackA(1))), { action: "PICKUP_FETCHED", publicId: "p1" }, T0);
    expect(refused).toMatchObject({ allowed: false, reason: "NO_PICKUP_REQUEST" });
  });

  it("counts a coat kept on the rail past its hold as on the rail, and a queued one or one sent back to the rack as not", () => {
    const kept = ticket(1, rackA(1), { requestId: "r1", state: "UNCOLLECTED", dueAt: T0, railPosition: 3, uncollectedTo: "RAIL" });
    const queued = ticket(2, rackA(2), { requestId: "r2", state: "QUEUED", dueAt: T0, railPosition: null, uncollectedTo: null });
    const sentBack = ticket(4, rackA(4), { requestId: "r4", state: "UNCOLLECTED", dueAt: T0, railPosition: 2, uncollectedTo: "RACK" });
    expect(isOnRail(kept)).toBe(true);
    expect(isOnRail(sentBack)).toBe(false);
    expect(isOnRail(queued)).toBe(false);
    expect(isOnRail(ticket(3, rackA(3)))).toBe(false);
  });
});

describe("the queue on the counter's screen", () => {
  it("shows what this counter did before the server has it: who fetches, since when, no rail place yet", () => {
    const requests = [entry(1, rackA(1)), entry(2, rackA(2))];
    const copy = copyOf(
      ticket(1, rackA(1), { ...pickupOf(requests[0]!), state: "FETCHING" }),
      ticket(2, rackA(2), { ...pickupOf(requests[1]!), state: "READY" }),
    );
    const queued = [operation("PICKUP_START", "p1", at(1)), operation("PICKUP_FETCHED", "p2", at(2))];

    const view = counterQueue(queueOf(requests), copy, queued, "Ben Attendant");

    expect(view.entries[0]).toMatchObject({ state: "FETCHING", fetchingBy: "Ben Attendant", fetchingAt: at(1), publicId: "p1" });
    expect(view.entries[1]).toMatchObject({ state: "READY", readyAt: at(2), fetchingAt: at(2), placePending: true });
  });

  it("drops requests the tickets no longer have, and keeps those of tickets the copy does not hold", () => {
    const handedOver = { ...ticket(1, null), state: "RETURNED" as const };
    const view = counterQueue(queueOf([entry(1, rackA(1)), entry(7, rackA(7))]), copyOf(handedOver), [], null);
    expect(view.entries.map((shown) => [shown.ticketNumber, shown.publicId])).toEqual([[7, null]]);
  });

  it("shows the server's rail place once synced", () => {
    const request = entry(1, rackA(1), { state: "FETCHING" });
    const copy = copyOf(ticket(1, rackA(1), { ...pickupOf(request), state: "READY", railPosition: 7 }));
    const [shown] = counterQueue(queueOf([request]), copy, [], null).entries;
    expect(shown).toMatchObject({ state: "READY", railPosition: 7, placePending: false });
  });
});

describe("the pickups panel's sections", () => {
  const view = (entries: PickupEntry[], change: Partial<VenueQueue> = {}) => {
    const copy = copyOf(...entries.map((request) => ticket(request.ticketNumber, request.slot, pickupOf(request))));
    return counterQueue(queueOf(entries, change), copy, [], null);
  };

  it("plans one walk per rack, coats in slot order, the rack with the earliest request first", () => {
    const sections = pickupSections(view([entry(12, rackB(12)), entry(30, rackA(30)), entry(4, rackB(4)), entry(8, rackA(8))]), T0);
    expect(sections.walks.map((walk) => [walk.rackName, walk.entries.map((coat) => coat.slot!.number)])).toEqual([
      ["Rack B", [4, 12]],
      ["Rack A", [8, 30]],
    ]);
    expect(sections.later).toEqual([]);
  });

  it("lists coats being fetched, and the rail by place with coats still waiting for one last", () => {
    const sections = pickupSections(
      view([
        entry(1, rackA(1), { state: "FETCHING", fetchingBy: "Cleo", fetchingAt: T0 }),
        entry(2, rackA(2), { state: "READY", railPosition: 5 }),
        entry(3, rackA(3), { state: "READY" }),
        entry(4, rackA(4), { state: "UNCOLLECTED", railPosition: 2, uncollectedTo: "RACK" }),
      ]),
      T0,
    );
    expect(sections.fetching.map((coat) => coat.ticketNumber)).toEqual([1]);
    expect(sections.onRail.map((coat) => [coat.ticketNumber, coat.railPosition])).toEqual([
      [4, 2],
      [2, 5],
      [3, null],
    ]);
    expect(goesBackToRack(sections.onRail[0]!)).toBe(true);
    expect(goesBackToRack(sections.onRail[1]!)).toBe(false);
  });

  it("keeps later requests out of the walks until the device's clock says they are due", () => {
    const shown = view([entry(1, rackA(1)), entry(2, rackA(2), { dueAt: at(7) })]);
    const now = pickupSections(shown, T0);
    expect(now.walks.flatMap((walk) => walk.entries.map((coat) => coat.ticketNumber))).toEqual([1]);
    expect(now.later).toMatchObject([{ entry: { ticketNumber: 2 }, dueInMinutes: 7, waitingForPlace: false }]);

    const sevenMinutesOn = pickupSections(shown, at(7));
    expect(sevenMinutesOn.walks.flatMap((walk) => walk.entries.map((coat) => coat.ticketNumber))).toEqual([1, 2]);
    expect(sevenMinutesOn.later).toEqual([]);
  });

  it("says which requests wait for a place under the venue's cap", () => {
    const sections = pickupSections(
      view([entry(1, rackA(1), { state: "READY", railPosition: 1 }), entry(2, rackA(2)), entry(3, rackA(3))], {
        rules: { enabled: true, queueCap: 2, holdMinutes: 15, uncollected: "RACK" },
      }),
      T0,
    );
    expect(sections.walks.flatMap((walk) => walk.entries.map((coat) => coat.ticketNumber))).toEqual([2]);
    expect(sections.later).toMatchObject([{ entry: { ticketNumber: 3 }, dueInMinutes: null, waitingForPlace: true }]);
  });
});
