import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, refusalOf, type TestApi } from "../testing";
import { verifyCode } from "../qr/codes";
import { codeCheckOf } from "../qr/codes-shape";
import { type hireAttendant, hireAttendantOnShift, onShiftAt, openVenue, setClock } from "../qr/testing";
import type { Operation, Preparation } from "./contract";
import { LEASE_TARGET, POOL_TARGET } from "./devices";

// The offline counter's server half (docs/offline.md): a device prepared online acts on its
// own, then its operations are applied once each, in its order, by the online counter's
// state machine; slots set aside for one device are nobody else's.

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let ada: Awaited<ReturnType<typeof hireAttendant>>;
let bo: Awaited<ReturnType<typeof hireAttendant>>;

const NIGHT = "2026-12-05T23:00:00Z";

beforeAll(async () => {
  t = await createTestApi();
  setClock(t, NIGHT);
  club = await openVenue(t, "Basement", { hangers: 500, shelves: 4, inOutAllowance: 1, priceCents: 300 });
  // Every device sets slots aside: enough of them for all the devices the tests set up.
  await club.admin.api.rack.create({ venueId: club.venue.id, name: "Far wall", slotCount: 300, kind: "HANGER" });
  ada = await hireAttendantOnShift(t, club.organizationId, "ada@basement.example", [club.venue.id], "Ada");
  bo = await hireAttendantOnShift(t, club.organizationId, "bo@basement.example", [club.venue.id], "Bo");
});
afterAll(() => t.close());

/** A device of an attendant, prepared at the club, that numbers its operations as it takes them. */
async function device(attendant: typeof ada) {
  const deviceId = randomUUID();
  let preparation: Preparation = await attendant.api.offline.prepare({ venueId: club.venue.id, deviceId });
  let seq = preparation.lastSeq;
  return {
    deviceId,
    get preparation() {
      return preparation;
    },
    async prepare() {
      preparation = await attendant.api.offline.prepare({ venueId: club.venue.id, deviceId });
      return preparation;
    },
    /** An operation as the device would take it now. */
    op<A extends Operation["action"]>(action: A, fields: Omit<Extract<Operation, { action: A }>, "action" | "opId" | "seq" | "takenAt">) {
      return { action, opId: randomUUID(), seq: ++seq, takenAt: t.clock.now(), ...fields } as Extract<Operation, { action: A }>;
    },
    sync(operations: Operation[]) {
      return attendant.api.offline.sync({ venueId: club.venue.id, deviceId, operations });
    },
    freeLeased(kind: "HANGER" | "SHELF" = "HANGER") {
      const held = new Set(preparation.tickets.flatMap((ticket) => (ticket.slot ? [ticket.slot.id] : [])));
      return preparation.slots.filter((slot) => slot.kind === kind && preparation.leasedSlotIds.includes(slot.id) && !held.has(slot.id));
    },
  };
}

async function guestTicket(email: string) {
  const guest = await t.signUp({ email, name: email.split("@")[0] });
  return guest.api.qr.request({ venueId: club.venue.id });
}

const eventsOf = (deviceId: string) =>
  t.db.prisma.scanEvent.findMany({
    where: { deviceId },
    orderBy: { id: "asc" },
    select: { action: true, result: true, reason: true, occurredAt: true, ticketId: true },
  });

describe("preparing a device", () => {
  it("sets free slots aside for it alone, mints walk-in tickets for it, and sends tonight's tickets with checks of their codes", async () => {
    const requested = await guestTicket("gus@example.com");
    const one = await device(ada);
    const { preparation } = one;
    const hangers = one.freeLeased("HANGER");
    expect(hangers).toHaveLength(LEASE_TARGET.HANGER);
    // Never more than half the free shelves: an online counter keeps some.
    expect(one.freeLeased("SHELF")).toHaveLength(2);
    expect(preparation.walkInPool).toHaveLength(POOL_TARGET);
    // Final codes, signed by the server: the device mints none.
    for (const pooled of preparation.walkInPool) expect(verifyCode(t.config.keys.ticketSigning, pooled.code)).toBe(pooled.publicId);

    const mine = preparation.tickets.find((ticket) => ticket.number === requested.number)!;
    expect(mine).toMatchObject({ state: "ISSUED", name: "gus", publicId: requested.code.slice(0, 20) });
    expect(mine.codeCheck).toBe(await codeCheckOf(requested.code));
    // Nothing but what the counter shows: no email, no guest account.
    expect(JSON.stringify(preparation)).not.toContain("gus@example.com");

    const two = await device(bo);
    const overlap = two.preparation.leasedSlotIds.filter((id) => preparation.leasedSlotIds.includes(id));
    expect(overlap, "two devices never share a set-aside slot").toEqual([]);
  }, 30_000);

  it("leaves a device's set-aside slots to it: online check-ins skip them and a picked one is refused", async () => {
    const one = await device(ada);
    const code = (await guestTicket("olive@example.com")).code;
    const proposed = await bo.api.qr.scan({ venueId: club.venue.id, code });
    expect(one.preparation.leasedSlotIds).not.toContain(proposed.proposedSlot!.id);
    const leased = one.freeLeased()[0]!;
    const picked = await refusal(bo.api.qr.checkIn({ venueId: club.venue.id, code, slotId: leased.id }));
    expect(picked).toMatchObject({
      code: "CONFLICT",
      reason: "SLOT_TAKEN",
      message: `Slot ${leased.number} is set aside for another counter working offline.`,
    });
    const checkedIn = await bo.api.qr.checkIn({ venueId: club.venue.id, code });
    expect(one.preparation.leasedSlotIds).not.toContain(checkedIn.ticket.slot!.id);
  });

  it("never sets aside more than half of a venue's free slots, however often and on however many devices it is asked", async () => {
    const small = await openVenue(t, "Small", { hangers: 10 });
    const cy = await hireAttendantOnShift(t, small.organizationId, "cy@small.example", [small.venue.id], "Cy");
    const venueId = small.venue.id;
    const devices = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const leased = new Map<string, string[]>();
    for (let round = 0; round < 4; round++) {
      for (const deviceId of devices) leased.set(deviceId, (await cy.api.offline.prepare({ venueId, deviceId })).leasedSlotIds);
    }
    const all = [...leased.values()].flat();
    expect(all.length).toBe(5);
    expect(new Set(all).size, "no slot is set aside for two devices, even of one attendant").toBe(all.length);
    // The online counter still checks coats in.
    const ticket = await small.admin.api.qr.issueWalkIn({ venueId });
    expect((await small.admin.api.qr.checkIn({ venueId, code: ticket.code })).ticket.state).toBe("CHECKED_IN");
    // Each device holds its own walk-in tickets, but one attendant's devices no more than 20 unused.
    const pools = await t.db.prisma.walkInPoolTicket.count({ where: { venueId } });
    expect(pools).toBe(2 * POOL_TARGET);
  });

  it("gives slots back when their attendant may no longer work at the venue", async () => {
    const dora = await hireAttendantOnShift(t, club.organizationId, "dora@basement.example", [club.venue.id], "Dora");
    const theirs = await dora.api.offline.prepare({ venueId: club.venue.id, deviceId: crypto.randomUUID() });
    expect(theirs.leasedSlotIds.length).toBeGreaterThan(0);
    await club.admin.api.employee.update({ employeeId: dora.employeeId, venueIds: [] });
    expect(await t.db.prisma.slotLease.count({ where: { slotId: { in: theirs.leasedSlotIds } } })).toBe(0);

    const eli = await hireAttendantOnShift(t, club.organizationId, "eli@basement.example", [club.venue.id], "Eli");
    const eliDevice = await eli.api.offline.prepare({ venueId: club.venue.id, deviceId: crypto.randomUUID() });
    await club.admin.api.employee.deactivate({ employeeId: eli.employeeId });
    expect(await t.db.prisma.slotLease.count({ where: { deviceId: eliDevice.deviceId } })).toBe(0);
  });

  it("is the attendant's own: another's device id is not found, and another venue's is refused", async () => {
    const one = await device(ada);
    expect(await refusal(bo.api.offline.prepare({ venueId: club.venue.id, deviceId: one.deviceId }))).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await refusal(bo.api.offline.sync({ venueId: club.venue.id, deviceId: one.deviceId, operations: [one.op("SCAN", { code: "x" })] })),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
    const rival = await openVenue(t, "Rival", { hangers: 2 });
    expect(await refusal(ada.api.offline.prepare({ venueId: rival.venue.id, deviceId: randomUUID() }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("syncing a device", () => {
  it("applies a night offline once, in order, dated when the attendant did each thing", async () => {
    const one = await device(await hireAttendantOnShift(t, club.organizationId, "night@basement.example", [club.venue.id], "Nia"));
    const guest = await guestTicket("nina@example.com");
    await one.prepare();
    const [slotA, slotB] = one.freeLeased();
    const walkIn = one.preparation.walkInPool[0]!;
    const guestId = guest.code.slice(0, 20);
    const start = t.clock.now().getTime();
    const at = (minutes: number) => new Date(start + minutes * 60_000);

    const operations: Operation[] = [
      {
        ...one.op("ISSUE_WALK_IN", {
          publicId: walkIn.publicId,
          name: "Wanda Walk-in",
          email: "wanda@example.com",
          phone: "+49 151 5550199",
        }),
        takenAt: at(1),
      },
      { ...one.op("CHECK_IN", { publicId: walkIn.publicId, slotId: slotA!.id, payment: { status: "PAID_CASH" } }), takenAt: at(2) },
      { ...one.op("SCAN", { publicId: guestId }), takenAt: at(3) },
      { ...one.op("CHECK_IN", { publicId: guestId, slotId: slotB!.id }), takenAt: at(3) },
      { ...one.op("SWAP", { publicId: guestId, toSlotId: one.freeLeased()[2]!.id }), takenAt: at(4) },
      { ...one.op("DETACH", { publicId: guestId }), takenAt: at(5) },
      { ...one.op("PAY", { publicId: guestId, payment: { status: "PAID_CARD", amountCents: 400 } }), takenAt: at(6) },
      { ...one.op("CHECK_OUT", { publicId: walkIn.publicId }), takenAt: at(7) },
    ];
    // The network comes back an hour later.
    t.clock.advance(60 * 60_000);
    const first = await one.sync(operations);
    expect(first.lastSeq).toBe(operations.at(-1)!.seq);
    expect(first.outcomes.map((outcome) => [outcome.seq, outcome.status])).toEqual(operations.map((op) => [op.seq, "APPLIED"]));

    const walkInTicket = await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: walkIn.publicId } });
    expect(walkInTicket).toMatchObject({
      number: walkIn.number,
      state: "RETURNED",
      paymentStatus: "PAID_CASH",
      amountCents: 300,
      slotId: null,
      issuedAt: at(1),
    });
    const guestTicketRow = await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: guestId } });
    expect(guestTicketRow).toMatchObject({ state: "ISSUED", inOutsUsed: 1, paymentStatus: "PAID_CARD", amountCents: 400, slotId: null });

    const events = await eventsOf(one.deviceId);
    expect(events.map((event) => [event.action, event.result])).toEqual([
      ["ISSUE", "OK"],
      ["CHECK_IN", "OK"],
      ["SCAN", "OK"],
      ["CHECK_IN", "OK"],
      ["SWAP", "OK"],
      ["DETACH", "OK"],
      ["PAY", "OK"],
      ["CHECK_OUT", "OK"],
    ]);
    expect(events.map((event) => event.occurredAt.getTime())).toEqual(operations.map((op) => op.takenAt.getTime()));
    // Its contact was sealed as at the counter: lost-ticket lookup finds it by phone and email.
    expect(walkInTicket.contactPhoneEncrypted).toMatch(/^v1:/);
    for (const query of ["0199", "wanda@example.com"]) {
      expect((await club.admin.api.qr.lookup({ venueId: club.venue.id, query })).items.map((item) => item.number)).toContain(walkIn.number);
    }
    const history = await club.admin.api.qr.history({ ticketId: walkInTicket.id });
    expect(history.items.map((item) => [item.action, item.offline])).toEqual([
      ["CHECK_OUT", true],
      ["CHECK_IN", true],
      ["ISSUE", true],
    ]);

    // The network dropped before the answer came: the device sends it all again, twice at once.
    const answers = (result: typeof first) => result.outcomes.map(({ opId, seq, status, reason }) => ({ opId, seq, status, reason }));
    const again = await Promise.allSettled([one.sync(operations), one.sync(operations)]);
    for (const result of again) {
      if (result.status === "fulfilled") expect(answers(result.value)).toEqual(answers(first));
      else expect(refusalOfRejected(result.reason)).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: expect.any(Number) });
    }
    expect(await eventsOf(one.deviceId)).toHaveLength(events.length);
  }, 30_000);

  it("answers two syncs of one device at once without applying anything twice", async () => {
    const one = await device(ada);
    const codes = await Promise.all([1, 2, 3].map((n) => guestTicket(`race${n}@example.com`)));
    await one.prepare();
    const slots = one.freeLeased();
    const operations = codes.map((ticket, index) => one.op("CHECK_IN", { publicId: ticket.code.slice(0, 20), slotId: slots[index]!.id }));
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => one.sync(operations)));
    expect(results.some((result) => result.status === "fulfilled")).toBe(true);
    // Whatever got through, each check-in is stored once; a retry after them all changes nothing.
    await one.sync(operations);
    const events = await eventsOf(one.deviceId);
    expect(events.filter((event) => event.action === "CHECK_IN")).toHaveLength(3);
  });

  it("resolves a conflict by the server's state machine, records it, and says what to do", async () => {
    const one = await device(ada);
    const guest = await guestTicket("clash@example.com");
    const code = guest.code;
    await bo.api.qr.checkIn({ venueId: club.venue.id, code });
    await one.prepare();
    // Offline, Ada hands the coat back; online, Bo did it first.
    const offline = one.op("CHECK_OUT", { publicId: code.slice(0, 20) });
    const online = await bo.api.qr.checkOut({ venueId: club.venue.id, code, payment: { status: "PAID_CASH" } });
    const result = await one.sync([offline]);
    expect(result.outcomes).toEqual([
      expect.objectContaining({
        status: "CONFLICT",
        reason: "ALREADY_RETURNED",
        message: expect.stringContaining("already returned"),
        advice: `Ticket ${online.ticket.number} was already handed back: nothing more to do for it.`,
        ticket: expect.objectContaining({ state: "RETURNED" }),
      }),
    ]);
    expect(result.lastSeq).toBe(offline.seq);
    expect(await eventsOf(one.deviceId)).toEqual([
      expect.objectContaining({ action: "CHECK_OUT", result: "REFUSED", reason: "ALREADY_RETURNED" }),
    ]);
  });

  it("records an unknown code scanned offline as refused, and takes no operation out of order or twice under one number", async () => {
    const one = await device(ada);
    const unknown = one.op("SCAN", { code: "https://elsewhere.example/t/notaticketatall" });
    const result = await one.sync([unknown]);
    expect(result.outcomes[0]).toMatchObject({ status: "APPLIED", reason: "UNKNOWN_CODE", ticket: null });
    expect(await eventsOf(one.deviceId)).toEqual([expect.objectContaining({ action: "SCAN", result: "REFUSED", reason: "UNKNOWN_CODE" })]);

    const skipped = { ...one.op("SCAN", { code: "a" }), seq: unknown.seq + 5 };
    expect(await refusal(one.sync([skipped]))).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("missing") });
    const reused = { ...one.op("SCAN", { code: "b" }), seq: unknown.seq };
    expect(await refusal(one.sync([reused]))).toMatchObject({ code: "CONFLICT" });
  });

  it("keeps a date from a device's wrong clock within the last day", async () => {
    const one = await device(ada);
    const ticket = await guestTicket("clock@example.com");
    const future = { ...one.op("SCAN", { publicId: ticket.code.slice(0, 20) }), takenAt: new Date("2030-01-01T00:00:00Z") };
    await one.sync([future]);
    const [event] = await eventsOf(one.deviceId);
    expect(event!.occurredAt.getTime()).toBeLessThanOrEqual(t.clock.now().getTime());
  });

  it("refuses a walk-in ticket that was not set aside for the device", async () => {
    const one = await device(ada);
    const two = await device(bo);
    const theirs = two.preparation.walkInPool[0]!;
    const result = await one.sync([one.op("ISSUE_WALK_IN", { publicId: theirs.publicId })]);
    expect(result.outcomes[0]).toMatchObject({ status: "CONFLICT", reason: "UNKNOWN_CODE" });
    expect(await t.db.prisma.ticket.findUnique({ where: { publicId: theirs.publicId } })).toBeNull();
  });
});

describe("pickup requests at an offline counter (docs/pickup.md)", () => {
  it("gets the queue with its snapshot, and applies a fetch done offline once, with one rail place", async () => {
    const [first, second] = [await guestTicket("pia@example.com"), await guestTicket("quinn@example.com")];
    for (const ticket of [first, second]) await bo.api.qr.checkIn({ venueId: club.venue.id, code: ticket.code });
    const asked = await t.client().api.pickup.request({ code: first.code, requestId: crypto.randomUUID() });
    const one = await device(ada);
    expect(one.preparation.pickupQueue?.entries.map((entry) => entry.id)).toContain(asked.id);
    const publicId = first.code.slice(0, 20);
    expect(one.preparation.tickets.find((ticket) => ticket.publicId === publicId)?.pickup).toMatchObject({
      requestId: asked.id,
      state: "QUEUED",
      railPosition: null,
    });

    const batch = [one.op("PICKUP_START", { publicId }), one.op("PICKUP_FETCHED", { publicId })];
    const [sent, resent] = [await one.sync(batch), await one.sync(batch)];
    expect(sent.outcomes.map((outcome) => outcome.status)).toEqual(["APPLIED", "APPLIED"]);
    // Answered again from the journal (each outcome shows the ticket as it is now).
    expect(resent.outcomes.map(({ opId, status }) => [opId, status])).toEqual(sent.outcomes.map(({ opId, status }) => [opId, status]));
    const stored = await t.db.prisma.pickupRequest.findUniqueOrThrow({ where: { id: asked.id } });
    expect(stored).toMatchObject({
      state: "READY",
      railPosition: expect.any(Number),
      fetchingById: ada.employeeId,
      readyById: ada.employeeId,
    });
    expect(sent.outcomes[1]!.ticket?.pickup).toMatchObject({ state: "READY", railPosition: stored.railPosition });

    // A request the guest called off while the counter was offline: the fetch comes back as a conflict that says what to do.
    const secondId = second.code.slice(0, 20);
    await t.client().api.pickup.request({ code: second.code, requestId: crypto.randomUUID() });
    await one.prepare();
    await t.client().api.pickup.cancel({ code: second.code });
    const late = await one.sync([one.op("PICKUP_FETCHED", { publicId: secondId })]);
    expect(late.outcomes[0]).toMatchObject({
      status: "CONFLICT",
      reason: "NO_PICKUP_REQUEST",
      advice: expect.stringContaining("hang it back"),
    });
  });
});

describe("dates, clocks and odd operations", () => {
  it("corrects a device's wrong clock, and never dates an action before the ticket's last change", async () => {
    const one = await device(ada);
    const ticket = await guestTicket("late@example.com");
    await bo.api.qr.checkIn({ venueId: club.venue.id, code: ticket.code });
    t.clock.advance(2 * 3_600_000);
    await one.prepare();
    const serverNow = t.clock.now().getTime();
    // The phone's clock is 20 hours behind; it handed the coat back a minute ago by its clock.
    const deviceNow = new Date(serverNow - 20 * 3_600_000);
    const checkOut = { ...one.op("CHECK_OUT", { publicId: ticket.code.slice(0, 20) }), takenAt: new Date(deviceNow.getTime() - 60_000) };
    await ada.api.offline.sync({ venueId: club.venue.id, deviceId: one.deviceId, sentAt: deviceNow, operations: [checkOut] });
    const stored = await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: ticket.code.slice(0, 20) } });
    expect(Math.abs(stored.returnedAt!.getTime() - (serverNow - 60_000))).toBeLessThan(5_000);

    // Without its clock, an action dated before the ticket's check-in is dated at it.
    const again = await guestTicket("backwards@example.com");
    await bo.api.qr.checkIn({ venueId: club.venue.id, code: again.code });
    await one.prepare();
    const early = { ...one.op("CHECK_OUT", { publicId: again.code.slice(0, 20) }), takenAt: new Date(serverNow - 23 * 3_600_000) };
    await one.sync([early]);
    const row = await t.db.prisma.ticket.findUniqueOrThrow({ where: { publicId: again.code.slice(0, 20) } });
    expect(row.returnedAt!.getTime()).toBeGreaterThanOrEqual(row.checkedInAt!.getTime());
  });

  it("answers odd operations with clear refusals, never an internal error", async () => {
    const one = await device(ada);
    const ticket = await guestTicket("odd@example.com");
    const first = one.op("SCAN", { publicId: ticket.code.slice(0, 20) });
    await one.sync([first]);
    // The same operation again under a new number.
    expect(await refusal(one.sync([{ ...first, seq: first.seq + 1 }]))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining(`already applied as operation ${first.seq}`),
    });
    expect(await refusal(one.sync([{ ...one.op("SCAN", { code: "x" }), takenAt: new Date("+010000-01-01T00:00:00Z") }]))).toMatchObject({
      code: "BAD_REQUEST",
    });
    // Another venue's ticket: refused, and nothing of it shown.
    const annex = await club.admin.api.venue.create({ name: "Annex", timezone: "Europe/Berlin", opensAt: "20:00", closesAt: "02:00" });
    const elsewhere = await onShiftAt(club.admin.api, annex.id, club.venue.id, () =>
      club.admin.api.qr.issueWalkIn({ venueId: annex.id, name: "Roof Rosa" }),
    );
    const result = await one.sync([{ ...one.op("DETACH", { publicId: elsewhere.code.slice(0, 20) }), seq: first.seq + 1 }]);
    expect(result.outcomes[0]).toMatchObject({ status: "CONFLICT", reason: "WRONG_VENUE", ticket: null });
    expect(await refusal(bo.api.offline.release({ deviceId: one.deviceId }))).toMatchObject({ code: "NOT_FOUND" });
  });
});

function refusalOfRejected(reason: unknown) {
  return refusalOf(reason);
}
