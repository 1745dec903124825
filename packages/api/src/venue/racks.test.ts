import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hireAttendantOnShift } from "../qr/testing";
import { createTestApi, refusal, type TestApi } from "../testing";

let t: TestApi;
let owner: Awaited<ReturnType<TestApi["signUpAdmin"]>>;
let rival: Awaited<ReturnType<TestApi["signUpAdmin"]>>;

const basics = { timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" };

beforeAll(async () => {
  t = await createTestApi();
  owner = await t.signUpAdmin("Rack Group", "owner@racks.example");
  rival = await t.signUpAdmin("Rival Group", "owner@rival.example");
});
afterAll(() => t.close());

describe("rack.create", () => {
  it("numbers slots after the venue's highest number, per venue", async () => {
    const club = await owner.api.venue.create({ name: "Club", ...basics });
    const bar = await owner.api.venue.create({ name: "Bar", ...basics });
    const coats = await owner.api.rack.create({ venueId: club.id, name: "Coats", slotCount: 10, kind: "HANGER" });
    const bags = await owner.api.rack.create({ venueId: club.id, name: "Bags", slotCount: 5, kind: "SHELF" });
    const barRack = await owner.api.rack.create({ venueId: bar.id, name: "Coats", slotCount: 3 });
    expect(coats).toMatchObject({ name: "Coats", kind: "HANGER", slotCount: 10, occupiedCount: 0, freeCount: 10 });
    expect(coats.slots.map((slot) => slot.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(bags.slots.map((slot) => [slot.number, slot.kind])).toEqual([11, 12, 13, 14, 15].map((n) => [n, "SHELF"]));
    expect(barRack.slots.map((slot) => [slot.number, slot.kind])).toEqual([1, 2, 3].map((n) => [n, "HANGER"]));
  });

  it("racks added at once to one venue get distinct, consecutive numbers", async () => {
    const venue = await owner.api.venue.create({ name: "Busy", ...basics });
    const racks = await Promise.all(
      Array.from({ length: 6 }, (_, i) => owner.api.rack.create({ venueId: venue.id, name: `Rack ${i + 1}`, slotCount: 7 })),
    );
    const numbers = racks.flatMap((rack) => rack.slots.map((slot) => slot.number)).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    for (const rack of racks) {
      const own = rack.slots.map((slot) => slot.number);
      expect(own.at(-1)! - own[0]!).toBe(6);
    }
  });

  it("refuses a second rack of one name, bad counts, and everyone but the organization's admins", async () => {
    const venue = await owner.api.venue.create({ name: "Strict", ...basics });
    await owner.api.rack.create({ venueId: venue.id, name: "Main", slotCount: 2 });
    expect(await refusal(owner.api.rack.create({ venueId: venue.id, name: "Main", slotCount: 2 }))).toMatchObject({
      code: "CONFLICT",
      message: "This venue already has a rack called Main.",
    });
    expect((await refusal(owner.api.rack.create({ venueId: venue.id, name: "Zero", slotCount: 0 }))).fieldErrors.slotCount).toEqual([
      "A rack has at least 1 slot.",
    ]);
    expect((await refusal(owner.api.rack.create({ venueId: venue.id, name: "Huge", slotCount: 501 }))).fieldErrors.slotCount).toEqual([
      "A rack has at most 500 slots.",
    ]);
    expect(
      (await refusal(owner.api.rack.create({ venueId: venue.id, name: "Odd", slotCount: 2, kind: "DRAWER" as "SHELF" }))).fieldErrors.kind,
    ).toEqual(["Choose HANGER or SHELF."]);
    expect((await refusal(rival.api.rack.create({ venueId: venue.id, name: "Sneaky", slotCount: 2 }))).code).toBe("NOT_FOUND");
    const attendant = await hireAttendantOnShift(t, owner.organization.id, "staff@racks.example", [venue.id]);
    expect((await refusal(attendant.api.rack.create({ venueId: venue.id, name: "Staff", slotCount: 2 }))).code).toBe("FORBIDDEN");
    expect(await t.db.prisma.slot.count({ where: { venueId: venue.id } })).toBe(2);
  });

  it("rack.update renames, refusing a name the venue already uses", async () => {
    const venue = await owner.api.venue.create({ name: "Renames", ...basics });
    const first = await owner.api.rack.create({ venueId: venue.id, name: "Left", slotCount: 1 });
    await owner.api.rack.create({ venueId: venue.id, name: "Right", slotCount: 1 });
    expect((await owner.api.rack.update({ rackId: first.id, name: "Window" })).name).toBe("Window");
    expect((await refusal(owner.api.rack.update({ rackId: first.id, name: "Right" }))).code).toBe("CONFLICT");
    expect((await refusal(rival.api.rack.update({ rackId: first.id, name: "Mine" }))).code).toBe("NOT_FOUND");
  });
});

describe("rack.list", () => {
  it("shows every slot, which are taken by which ticket, and counts per rack and kind", async () => {
    const venue = await owner.api.venue.create({ name: "Occupied", ...basics });
    const hangers = await owner.api.rack.create({ venueId: venue.id, name: "Hangers", slotCount: 3 });
    const shelves = await owner.api.rack.create({ venueId: venue.id, name: "Shelves", slotCount: 2, kind: "SHELF" });
    const attendant = await hireAttendantOnShift(t, owner.organization.id, "counter@racks.example", [venue.id]);
    const ticket = await attendant.api.qr.issueWalkIn({ venueId: venue.id });
    await attendant.api.qr.checkIn({ venueId: venue.id, code: ticket.code, slotId: hangers.slots[1]!.id });
    const bag = await attendant.api.qr.issueWalkIn({ venueId: venue.id });
    await attendant.api.qr.checkIn({ venueId: venue.id, code: bag.code, kind: "SHELF" });

    const listed = await attendant.api.rack.list({ venueId: venue.id });
    expect(listed.racks.map((rack) => [rack.name, rack.slotCount, rack.occupiedCount, rack.freeCount])).toEqual([
      ["Hangers", 3, 1, 2],
      ["Shelves", 2, 1, 1],
    ]);
    expect(listed.racks[0]!.slots.map((slot) => [slot.number, slot.occupied, slot.ticket?.number ?? null])).toEqual([
      [1, false, null],
      [2, true, ticket.number],
      [3, false, null],
    ]);
    expect(listed.racks[1]!.slots[0]).toMatchObject({ id: shelves.slots[0]!.id, occupied: true, ticket: { number: bag.number } });
    expect(listed.totals).toEqual({
      HANGER: { slotCount: 3, occupiedCount: 1, freeCount: 2 },
      SHELF: { slotCount: 2, occupiedCount: 1, freeCount: 1 },
    });

    await attendant.api.qr.checkOut({ venueId: venue.id, code: ticket.code });
    expect((await owner.api.rack.list({ venueId: venue.id })).totals.HANGER.occupiedCount).toBe(0);
    expect((await refusal(rival.api.rack.list({ venueId: venue.id }))).code).toBe("NOT_FOUND");
  });
});
