import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type hireAttendant, hireAttendantOnShift, openVenue, setClock } from "../qr/testing";
import { createTestApi, refusal, type TestApi } from "../testing";
import { readVenueQueue } from "./queue";
import { sweepPickups } from "./requests";
import { boardOf } from "./rules";

// The closing rush's server half (docs/pickup.md): a guest's request is queued once however
// often it is sent, attendants fetch it to a rail place nobody else gets, the hand-over is the
// scan, and what the venue set (cap, hold, where uncollected coats go) holds.

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let ada: Awaited<ReturnType<typeof hireAttendant>>;

const NIGHT = "2026-12-05T23:00:00Z";

beforeAll(async () => {
  t = await createTestApi();
  setClock(t, NIGHT);
  club = await openVenue(t, "Rush", { hangers: 60 });
  ada = await hireAttendantOnShift(t, club.organizationId, "ada@rush.example", [club.venue.id], "Ada");
});
afterAll(() => t.close());

let guests = 0;
/** A guest's ticket, checked in by Ada: its code is all the guest's phone holds. */
async function checkedInCoat(venueId = club.venue.id, attendant = ada) {
  const guest = await t.signUp({ email: `guest-${++guests}@rush.example` });
  const ticket = await guest.api.qr.request({ venueId });
  await attendant.api.qr.checkIn({ venueId, code: ticket.code });
  return { guest, ticket, code: ticket.code };
}

/** A phone with no account, holding only the code (a walk-in who opened the ticket's link). */
const phone = () => t.client().api;

describe("pickup.request: the guest's 'I'm leaving'", () => {
  it("queues a checked-in coat once, however often the phone sends it, and places it in the queue", async () => {
    const { code } = await checkedInCoat();
    const requestId = randomUUID();
    const first = await phone().pickup.request({ code, requestId });
    expect(first).toMatchObject({ state: "QUEUED", position: 1, waitingForPlace: false });
    expect(first.estimateMinutes).toBeGreaterThanOrEqual(1);
    // A retry of the same tap, and a second tap with a new id: the one request.
    expect((await phone().pickup.request({ code, requestId })).id).toBe(first.id);
    expect((await phone().pickup.request({ code, requestId: randomUUID(), delayMinutes: 10 })).id).toBe(first.id);
    const parallel = await Promise.all(Array.from({ length: 5 }, () => phone().pickup.request({ code, requestId: randomUUID() })));
    expect(new Set(parallel.map((request) => request.id))).toEqual(new Set([first.id]));
    expect(await t.db.prisma.pickupRequest.count({ where: { ticket: { venueId: club.venue.id }, state: "QUEUED" } })).toBe(1);

    const view = await phone().qr.view({ code });
    expect(view.pickup).toMatchObject({ offered: true, request: { id: first.id, state: "QUEUED", position: 1 } });
    // The public view names no one and no slot.
    expect(JSON.stringify(view)).not.toMatch(/slot|rack|"name"|email/i);

    expect(await phone().pickup.cancel({ code })).toMatchObject({ state: "CANCELLED" });
    expect(await phone().pickup.cancel({ code })).toMatchObject({ state: "CANCELLED" });
  });

  it("refuses a coat that is not checked in, a venue that takes no requests, and a forged code, each with its reason", async () => {
    const guest = await t.signUp({ email: "not-in@rush.example" });
    const issued = await guest.api.qr.request({ venueId: club.venue.id });
    expect(await refusal(phone().pickup.request({ code: issued.code, requestId: randomUUID() }))).toMatchObject({
      code: "CONFLICT",
      reason: "NOT_CHECKED_IN",
    });
    expect(await refusal(phone().pickup.request({ code: "https://qrcoats.test/t/forged", requestId: randomUUID() }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await refusal(phone().pickup.request({ code: issued.code, requestId: "nope" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await refusal(phone().pickup.request({ code: issued.code, requestId: randomUUID(), delayMinutes: 7 as 5 }))).toMatchObject({
      code: "BAD_REQUEST",
    });

    const quiet = await openVenue(t, "Quiet", { hangers: 3 });
    const bo = await hireAttendantOnShift(t, quiet.organizationId, "bo@quiet.example", [quiet.venue.id]);
    await quiet.admin.api.venue.update({ venueId: quiet.venue.id, pickupEnabled: false });
    const { code } = await checkedInCoat(quiet.venue.id, bo);
    expect(await refusal(phone().pickup.request({ code, requestId: randomUUID() }))).toMatchObject({
      code: "CONFLICT",
      reason: "PICKUP_OFF",
    });
    expect((await phone().qr.view({ code })).pickup.offered).toBe(false);
  });

  it("stops a ticket that asks again and again in one night", async () => {
    const { code } = await checkedInCoat();
    for (let i = 0; i < 6; i++) {
      await phone().pickup.request({ code, requestId: randomUUID() });
      await phone().pickup.cancel({ code });
    }
    expect(await refusal(phone().pickup.request({ code, requestId: randomUUID() }))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });
});

describe("the counter's side: fetch, rail, hand-over", () => {
  it("gives each fetched coat its own rail place, even when all are fetched at once, and hands over with the scan", async () => {
    const coats = await Promise.all(Array.from({ length: 8 }, () => checkedInCoat()));
    const requests = [];
    for (const coat of coats) requests.push(await phone().pickup.request({ code: coat.code, requestId: randomUUID() }));
    await ada.api.pickup.start({ venueId: club.venue.id, requestId: requests[0]!.id });
    expect((await phone().qr.view({ code: coats[0]!.code })).pickup.request).toMatchObject({ state: "FETCHING" });

    const fetched = await Promise.all(requests.map((request) => ada.api.pickup.fetched({ venueId: club.venue.id, requestId: request.id })));
    const places = fetched.map((result) => result.railPosition);
    expect(new Set(places).size).toBe(8);
    expect(places.every((place) => place !== null && place >= 1 && place <= 8)).toBe(true);
    // Saying "fetched" twice keeps the place.
    expect((await ada.api.pickup.fetched({ venueId: club.venue.id, requestId: requests[3]!.id })).railPosition).toBe(places[3]);
    expect((await phone().qr.view({ code: coats[3]!.code })).pickup.request).toMatchObject({ state: "READY", railPosition: places[3] });
    expect(await refusal(phone().pickup.cancel({ code: coats[3]!.code }))).toMatchObject({ code: "CONFLICT", reason: "PICKUP_READY" });

    // The hand-over is the scan: checked out, the request collected, its rail place free again.
    const handed = await ada.api.qr.scan({ venueId: club.venue.id, code: coats[3]!.code });
    expect(handed).toMatchObject({ handedOver: true, railPosition: places[3], ticket: { state: "RETURNED" } });
    expect((await phone().qr.view({ code: coats[3]!.code })).pickup.request).toMatchObject({ state: "COLLECTED", railPosition: null });
    // A coat fetched next takes the freed place.
    const next = await checkedInCoat();
    const nextRequest = await phone().pickup.request({ code: next.code, requestId: randomUUID() });
    expect((await ada.api.pickup.fetched({ venueId: club.venue.id, requestId: nextRequest.id })).railPosition).toBe(places[3]);

    // A coat handed back before it was fetched closes its request too; a void calls it off.
    const early = await checkedInCoat();
    await phone().pickup.request({ code: early.code, requestId: randomUUID() });
    await ada.api.qr.checkOut({ venueId: club.venue.id, code: early.code });
    expect((await phone().qr.view({ code: early.code })).pickup.request?.state).toBe("COLLECTED");
    const voided = await checkedInCoat();
    await phone().pickup.request({ code: voided.code, requestId: randomUUID() });
    await ada.api.qr.void({ venueId: club.venue.id, code: voided.code });
    expect((await phone().qr.view({ code: voided.code })).pickup.request?.state).toBe("CANCELLED");

    for (const coat of [...coats, next]) await ada.api.qr.checkOut({ venueId: club.venue.id, code: coat.code }).catch(() => {});
  });

  it("queues a walk-in by paper number; another organization's attendant reaches nothing", async () => {
    const walkIn = await ada.api.qr.issueWalkIn({ venueId: club.venue.id });
    await ada.api.qr.checkIn({ venueId: club.venue.id, code: walkIn.code });
    const queued = await ada.api.pickup.requestAtCounter({ venueId: club.venue.id, ticketNumber: walkIn.number, requestId: randomUUID() });
    expect(queued.state).toBe("QUEUED");
    expect(
      await refusal(ada.api.pickup.requestAtCounter({ venueId: club.venue.id, ticketNumber: 99_999, requestId: randomUUID() })),
    ).toMatchObject({ code: "NOT_FOUND" });

    const rival = await openVenue(t, "Rival", { hangers: 2 });
    const eve = await hireAttendantOnShift(t, rival.organizationId, "eve@rival.example", [rival.venue.id]);
    for (const call of [
      () => eve.api.pickup.fetched({ venueId: club.venue.id, requestId: queued.id }),
      () => eve.api.pickup.start({ venueId: rival.venue.id, requestId: queued.id }),
      () => eve.api.pickup.requestAtCounter({ venueId: club.venue.id, ticketNumber: walkIn.number, requestId: randomUUID() }),
    ]) {
      expect((await refusal(call())).code).toBe("NOT_FOUND");
    }
    expect((await ada.api.pickup.cancelAtCounter({ venueId: club.venue.id, requestId: queued.id })).state).toBe("CANCELLED");
    await ada.api.qr.checkOut({ venueId: club.venue.id, code: walkIn.code });
  });
});

describe("the venue's rules", () => {
  it("holds the cap: requests beyond it wait for a place and see their position", async () => {
    const capped = await openVenue(t, "Capped", { hangers: 10 });
    const cy = await hireAttendantOnShift(t, capped.organizationId, "cy@capped.example", [capped.venue.id]);
    await capped.admin.api.venue.update({ venueId: capped.venue.id, pickupQueueCap: 2 });
    const coats = await Promise.all(Array.from({ length: 3 }, () => checkedInCoat(capped.venue.id, cy)));
    const asked = [];
    for (const coat of coats) asked.push(await phone().pickup.request({ code: coat.code, requestId: randomUUID() }));
    expect(asked.map((request) => [request.position, request.waitingForPlace])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    // One fetched and handed over: the third gets a place.
    await cy.api.pickup.fetched({ venueId: capped.venue.id, requestId: asked[0]!.id });
    await cy.api.qr.scan({ venueId: capped.venue.id, code: coats[0]!.code });
    expect((await phone().qr.view({ code: coats[2]!.code })).pickup.request).toMatchObject({ position: 2, waitingForPlace: false });
  });

  it("sends a coat not collected in time back to the rack, or keeps it on the rail, as the venue chose", async () => {
    const held = await openVenue(t, "Held", { hangers: 10 });
    const di = await hireAttendantOnShift(t, held.organizationId, "di@held.example", [held.venue.id]);
    await held.admin.api.venue.update({ venueId: held.venue.id, pickupHoldMinutes: 10, pickupUncollected: "RACK" });
    const [rack, rail] = await Promise.all([checkedInCoat(held.venue.id, di), checkedInCoat(held.venue.id, di)]);
    const toRack = await phone().pickup.request({ code: rack.code, requestId: randomUUID() });
    await di.api.pickup.fetched({ venueId: held.venue.id, requestId: toRack.id });
    setClock(t, new Date(t.clock.now().getTime() + 11 * 60_000));
    await sweepPickups(t.deps);
    expect((await phone().qr.view({ code: rack.code })).pickup.request).toMatchObject({ state: "UNCOLLECTED", uncollectedTo: "RACK" });
    // Its rail place stays taken until an attendant has hung it back.
    const back = await di.api.pickup.putBack({ venueId: held.venue.id, requestId: toRack.id });
    expect(back.railPosition).toBeNull();

    await held.admin.api.venue.update({ venueId: held.venue.id, pickupUncollected: "RAIL" });
    const toRail = await phone().pickup.request({ code: rail.code, requestId: randomUUID() });
    const place = (await di.api.pickup.fetched({ venueId: held.venue.id, requestId: toRail.id })).railPosition;
    setClock(t, new Date(t.clock.now().getTime() + 11 * 60_000));
    expect(await sweepPickups(t.deps)).toMatchObject({ uncollected: 1 });
    expect((await phone().qr.view({ code: rail.code })).pickup.request).toMatchObject({
      state: "UNCOLLECTED",
      uncollectedTo: "RAIL",
      railPosition: place,
    });
    // Asking again: it is still on the rail, so it is ready at once; the scan hands it over.
    expect(await phone().pickup.request({ code: rail.code, requestId: randomUUID() })).toMatchObject({
      state: "READY",
      railPosition: place,
    });
    expect(await di.api.qr.scan({ venueId: held.venue.id, code: rail.code })).toMatchObject({ handedOver: true, railPosition: place });
  });

  it("keeps a coat sent back to the rack off the rail: a late 'fetched' is refused, asking again queues anew, the scan fetches from the slot", async () => {
    const back = await openVenue(t, "Back", { hangers: 10 });
    const ed = await hireAttendantOnShift(t, back.organizationId, "ed@back.example", [back.venue.id]);
    await back.admin.api.venue.update({ venueId: back.venue.id, pickupHoldMinutes: 5, pickupUncollected: "RACK" });
    const coat = await checkedInCoat(back.venue.id, ed);
    const first = await phone().pickup.request({ code: coat.code, requestId: randomUUID() });
    await ed.api.pickup.fetched({ venueId: back.venue.id, requestId: first.id });
    setClock(t, new Date(t.clock.now().getTime() + 6 * 60_000));
    await sweepPickups(t.deps);
    // Not hung back yet: asking again does not send the guest to the rail, nor does the scan.
    const again = await phone().pickup.request({ code: coat.code, requestId: randomUUID() });
    expect(again).toMatchObject({ state: "QUEUED", railPosition: null });
    expect(await ed.api.qr.scan({ venueId: back.venue.id, code: coat.code })).toMatchObject({ handedOver: false, railPosition: null });
    await phone().pickup.cancel({ code: coat.code });
    // Hung back; a screen that had not caught up says "fetched" for the old request: refused, never a 500.
    await ed.api.pickup.putBack({ venueId: back.venue.id, requestId: first.id });
    await phone().pickup.request({ code: coat.code, requestId: randomUUID() });
    expect(await refusal(ed.api.pickup.fetched({ venueId: back.venue.id, requestId: first.id }))).toMatchObject({
      code: "CONFLICT",
      reason: "PICKUP_CLOSED",
    });
    expect(await refusal(ed.api.pickup.start({ venueId: back.venue.id, requestId: first.id }))).toMatchObject({ reason: "PICKUP_CLOSED" });
  });

  it("counts a coat kept on the rail against the cap and shows it as ready; a fetch without 'start' measures no fetch time", async () => {
    const kept = await openVenue(t, "Kept", { hangers: 10 });
    const fay = await hireAttendantOnShift(t, kept.organizationId, "fay@kept.example", [kept.venue.id]);
    await kept.admin.api.venue.update({ venueId: kept.venue.id, pickupQueueCap: 1, pickupHoldMinutes: 5, pickupUncollected: "RAIL" });
    const [left, next] = await Promise.all([checkedInCoat(kept.venue.id, fay), checkedInCoat(kept.venue.id, fay)]);
    const leftRequest = await phone().pickup.request({ code: left.code, requestId: randomUUID() });
    await fay.api.pickup.fetched({ venueId: kept.venue.id, requestId: leftRequest.id });
    setClock(t, new Date(t.clock.now().getTime() + 6 * 60_000));
    await sweepPickups(t.deps);
    expect(await phone().pickup.request({ code: next.code, requestId: randomUUID() })).toMatchObject({
      position: 1,
      waitingForPlace: true,
    });
    const stored = await t.db.prisma.pickupRequest.findUniqueOrThrow({ where: { id: leftRequest.id } });
    expect(stored).toMatchObject({ state: "UNCOLLECTED", fetchingAt: null, readyById: fay.employeeId });
    const queue = (await readVenueQueue(t.db.sql, kept.venue.id, t.clock.now()))!;
    expect(queue.fetchSamples).toBe(0);
    expect(boardOf(queue, t.clock.now()).ready).toEqual([{ ticketNumber: left.ticket.number, railPosition: stored.railPosition }]);
  });
});
