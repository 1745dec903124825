import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, type TestApi, createTestApi } from "../testing";
import { verifyCode } from "../qr/codes";
import { codeCheckOf } from "../qr/codes-shape";
import { hireAttendant, openVenue, setClock } from "../qr/testing";
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
  club = await openVenue(t, "Basement", { hangers: 200, shelves: 4, inOutAllowance: 1, priceCents: 300 });
  ada = await hireAttendant(t, club.organizationId, "ada@basement.example", [club.venue.id], "Ada");
  bo = await hireAttendant(t, club.organizationId, "bo@basement.example", [club.venue.id], "Bo");
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

  it("gives back the slots of an attendant's earlier device when they set up another at the venue", async () => {
    const earlier = await device(bo);
    expect(earlier.preparation.leasedSlotIds.length).toBeGreaterThan(0);
    const later = await device(bo);
    expect(later.preparation.leasedSlotIds.length).toBeGreaterThan(0);
    expect((await earlier.prepare()).leasedSlotIds, "the earlier device took them back, but only until the later one prepares").not.toEqual(
      [],
    );
    await later.prepare();
    expect(await t.db.prisma.slotLease.count({ where: { deviceId: earlier.deviceId } })).toBe(0);
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
    const one = await device(ada);
    const guest = await guestTicket("nina@example.com");
    await one.prepare();
    const [slotA, slotB] = one.freeLeased();
    const walkIn = one.preparation.walkInPool[0]!;
    const guestId = guest.code.slice(0, 20);
    const start = t.clock.now().getTime();
    const at = (minutes: number) => new Date(start - (60 - minutes) * 60_000);

    const operations: Operation[] = [
      { ...one.op("ISSUE_WALK_IN", { publicId: walkIn.publicId, name: "Wanda Walk-in" }), takenAt: at(1) },
      { ...one.op("CHECK_IN", { publicId: walkIn.publicId, slotId: slotA!.id, payment: { status: "PAID_CASH" } }), takenAt: at(2) },
      { ...one.op("SCAN", { publicId: guestId }), takenAt: at(3) },
      { ...one.op("CHECK_IN", { publicId: guestId, slotId: slotB!.id }), takenAt: at(3) },
      { ...one.op("SWAP", { publicId: guestId, toSlotId: one.freeLeased()[2]!.id }), takenAt: at(4) },
      { ...one.op("DETACH", { publicId: guestId }), takenAt: at(5) },
      { ...one.op("PAY", { publicId: guestId, payment: { status: "PAID_CARD", amountCents: 400 } }), takenAt: at(6) },
      { ...one.op("CHECK_OUT", { publicId: walkIn.publicId }), takenAt: at(7) },
    ];
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
      else expect(refusalOfRejected(result.reason)).toMatchObject({ code: "TOO_MANY_REQUESTS" });
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
    const online = await bo.api.qr.checkOut({ venueId: club.venue.id, code });
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

function refusalOfRejected(reason: unknown) {
  return { code: (reason as { code?: string }).code };
}
