import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVenue, founder, hire, travelTo, type Staff } from "../employee/testing";
import { createTestApi, refusal, type TestApi } from "../testing";
import { closeStaleShifts } from "./stale";

const HOUR = 60 * 60 * 1000;

let t: TestApi;
let admin: Awaited<ReturnType<typeof founder>>;
let bar: { id: string; name: string };
let garden: { id: string; name: string };
let jo: Staff;

beforeAll(async () => {
  t = await createTestApi();
  // 21:00 in Berlin: a fixed instant, so messages with wall-clock times can be checked exactly.
  travelTo(t, new Date("2026-11-20T20:00:00.000Z"));
  admin = await founder(t, "Club Shifts", "owner@shifts.example");
  bar = await createVenue(t, admin.organization.id, "Bar");
  garden = await createVenue(t, admin.organization.id, "Garden");
  jo = await hire(t, admin, { email: "jo@shifts.example", name: "Jo", venueIds: [bar.id] });
});
afterAll(() => t.close());

async function openShifts(employeeId: string) {
  return t.db.sql.query<{ id: string }>(`SELECT id FROM employees.shifts WHERE employee_id = $1 AND ended_at IS NULL`, [employeeId]);
}

describe("clocking in and out", () => {
  it("one open shift at a time, at a venue the employee works at", async () => {
    expect(await jo.api.shift.current()).toBeNull();
    expect(await refusal(jo.api.shift.clockOut())).toMatchObject({ code: "CONFLICT", message: "You are not clocked in." });

    const shift = await jo.api.shift.clockIn({ venueId: bar.id });
    expect(shift).toEqual({
      id: expect.any(String),
      startedAt: expect.any(Date),
      endedAt: null,
      autoClosed: false,
      venue: bar,
      employee: { id: jo.employeeId, name: "Jo" },
    });
    expect(await jo.api.shift.current()).toEqual(shift);

    for (const venueId of [bar.id, garden.id]) {
      expect(await refusal(jo.api.shift.clockIn({ venueId }))).toMatchObject({
        code: venueId === bar.id ? "CONFLICT" : "FORBIDDEN",
        message: venueId === bar.id ? "You are already clocked in at Bar since 20 Nov, 21:00." : "You are not assigned to this venue.",
      });
    }
    expect(await openShifts(jo.employeeId)).toHaveLength(1);

    t.clock.advance(4 * HOUR);
    const closed = await jo.api.shift.clockOut();
    expect(closed).toMatchObject({ id: shift.id, autoClosed: false });
    expect(closed.endedAt!.getTime() - closed.startedAt.getTime()).toBeGreaterThanOrEqual(4 * HOUR);
    expect(await jo.api.shift.current()).toBeNull();
    expect((await refusal(jo.api.shift.clockOut())).code).toBe("CONFLICT");
    expect(await openShifts(jo.employeeId)).toHaveLength(0);
  });

  it("admins clock in at any venue of their organization, never at another's", async () => {
    const shift = await admin.api.shift.clockIn({ venueId: garden.id });
    expect(shift.venue).toEqual(garden);
    await admin.api.shift.clockOut();
    const rival = await founder(t, "Rival Shifts", "rival@shifts.example");
    expect((await refusal(rival.api.shift.clockIn({ venueId: bar.id }))).code).toBe("NOT_FOUND");
    expect((await refusal(admin.api.shift.clockIn({ venueId: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
    expect((await refusal(admin.api.shift.clockIn({ venueId: "bar" }))).fieldErrors.venueId).toBeDefined();
    const guest = await t.signUp({ email: "guest@shifts.example" });
    expect((await refusal(guest.api.shift.clockIn({ venueId: bar.id }))).code).toBe("FORBIDDEN");
    expect((await refusal(t.client().api.shift.current())).code).toBe("UNAUTHORIZED");
  });

  it("20 clock-ins at once leave exactly one open shift", async () => {
    const racer = await hire(t, admin, { email: "racer@shifts.example", name: "Racer", venueIds: [bar.id, garden.id] });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => racer.api.shift.clockIn({ venueId: i % 2 === 0 ? bar.id : garden.id })),
    );
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    expect(fulfilled).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") {
        expect(result.reason).toMatchObject({
          code: "CONFLICT",
          message: expect.stringMatching(/^You are already clocked in at (Bar|Garden) since /),
        });
      }
    }
    expect(await openShifts(racer.employeeId)).toHaveLength(1);
    await racer.api.shift.clockOut();
  });
});

describe("closeStaleShifts", () => {
  it("closes shifts open longer than the limit at start + limit, once", async () => {
    const org = await founder(t, "Stale Club", "stale@example.com");
    const door = await createVenue(t, org.organization.id, "Door");
    const early = await hire(t, org, { email: "early@stale.example", venueIds: [door.id] });
    const late = await hire(t, org, { email: "late@stale.example", venueIds: [door.id] });
    const tidy = await hire(t, org, { email: "tidy@stale.example", venueIds: [door.id] });

    const forgotten = await early.api.shift.clockIn({ venueId: door.id });
    await tidy.api.shift.clockIn({ venueId: door.id });
    t.clock.advance(HOUR);
    const tidyShift = await tidy.api.shift.clockOut();
    t.clock.advance(12 * HOUR);
    const recent = await late.api.shift.clockIn({ venueId: door.id });
    t.clock.advance(HOUR);

    expect(await closeStaleShifts(t.deps, { maxHours: 12 })).toBe(1);
    const [closed] = await t.db.sql.query<{ ended_at: Date; auto_closed: boolean }>(
      `SELECT ended_at, auto_closed FROM employees.shifts WHERE id = $1`,
      [forgotten.id],
    );
    expect(closed).toEqual({ ended_at: new Date(forgotten.startedAt.getTime() + 12 * HOUR), auto_closed: true });
    expect(await late.api.shift.current()).toEqual(recent);
    expect((await refusal(tidy.api.shift.clockOut())).code).toBe("CONFLICT");
    const [untouched] = await t.db.sql.query<{ ended_at: Date; auto_closed: boolean }>(
      `SELECT ended_at, auto_closed FROM employees.shifts WHERE id = $1`,
      [tidyShift.id],
    );
    expect(untouched).toEqual({ ended_at: tidyShift.endedAt, auto_closed: false });

    const everything = await t.db.sql.query(`SELECT * FROM employees.shifts ORDER BY id`);
    expect(await closeStaleShifts(t.deps, { maxHours: 12 })).toBe(0);
    expect(await t.db.sql.query(`SELECT * FROM employees.shifts ORDER BY id`)).toEqual(everything);

    // The forgetful employee can start again.
    expect(await early.api.shift.current()).toBeNull();
    expect((await early.api.shift.clockIn({ venueId: door.id })).endedAt).toBeNull();
    await expect(closeStaleShifts(t.deps, { maxHours: 0 })).rejects.toThrow("maxHours");
  });
});

describe("shift.list", () => {
  it("admins filter by employee, venue and period and page latest first; employees see their own", async () => {
    const org = await founder(t, "Listing Club", "list@shifts.example");
    const front = await createVenue(t, org.organization.id, "Front");
    const back = await createVenue(t, org.organization.id, "Back");
    const ann = await hire(t, org, { email: "ann@list.example", name: "Ann", venueIds: [front.id, back.id] });
    const ben = await hire(t, org, { email: "ben@list.example", name: "Ben", venueIds: [front.id] });

    const start = t.clock.now().getTime();
    const shiftIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const shift = await ann.api.shift.clockIn({ venueId: i % 2 === 0 ? front.id : back.id });
      shiftIds.push(shift.id);
      t.clock.advance(2 * HOUR);
      await ann.api.shift.clockOut();
      t.clock.advance(HOUR);
    }
    const bens = await ben.api.shift.clockIn({ venueId: front.id });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await org.api.shift.list({ employeeId: ann.employeeId, limit: 2, cursor });
      seen.push(...page.items.map((shift) => shift.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...shiftIds].reverse());

    const ids = async (input: Parameters<typeof org.api.shift.list>[0]) => (await org.api.shift.list(input)).items.map((shift) => shift.id);
    expect(await ids({ venueId: back.id })).toEqual([shiftIds[3], shiftIds[1]]);
    // Shift 1 runs 3h-5h, shift 2 runs 6h-8h: a period from 4h to 7h overlaps both.
    expect(await ids({ employeeId: ann.employeeId, from: new Date(start + 4 * HOUR), to: new Date(start + 7 * HOUR) })).toEqual([
      shiftIds[2],
      shiftIds[1],
    ]);
    // Ben's shift is still open, so it overlaps any period after it began.
    expect(await ids({ from: new Date(start + 100 * HOUR) })).toEqual([bens.id]);
    expect((await refusal(org.api.shift.list({ from: new Date(start), to: new Date(start) }))).fieldErrors.to).toBeDefined();

    expect((await ben.api.shift.list({})).items.map((shift) => shift.id)).toEqual([bens.id]);
    expect((await ben.api.shift.list({ employeeId: ben.employeeId })).items).toHaveLength(1);
    expect((await refusal(ben.api.shift.list({ employeeId: ann.employeeId }))).code).toBe("FORBIDDEN");
  });

  it("an admin of another organization finds none of this organization's people or venues for shifts (NOT_FOUND)", async () => {
    const rival = await founder(t, "Shift Spies", "spy@shifts.example");
    for (const call of [
      () => rival.api.shift.list({ employeeId: jo.employeeId }),
      () => rival.api.shift.list({ venueId: bar.id }),
      () => rival.api.shift.clockIn({ venueId: bar.id }),
    ]) {
      expect((await refusal(call())).code).toBe("NOT_FOUND");
    }
    expect((await rival.api.shift.list({})).items).toEqual([]);
  });
});
