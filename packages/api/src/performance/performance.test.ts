import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVenue, founder, hire, travelTo, type Staff } from "../employee/testing";
import { createTestApi, refusal, type TestApi } from "../testing";

// A seeded night with known answers. The period is [F, T): 18:00 to 06:00 UTC. Scan events,
// shifts and tasks are written straight into the tables (the coat-check procedures that
// write scan events are built elsewhere), with rows on and just outside every boundary.

const HOUR = 60 * 60 * 1000;
const F = new Date("2026-11-20T18:00:00.000Z");
const T = new Date("2026-11-21T06:00:00.000Z");
const at = (hours: number) => new Date(F.getTime() + hours * HOUR);
const period = { from: F, to: T };

let t: TestApi;
let admin: Awaited<ReturnType<typeof founder>>;
let main: { id: string; name: string };
let side: { id: string; name: string };
let alice: Staff;
let bob: Staff;
let cara: Staff;
let dan: Staff;
let eve: Staff;

type Scan = { employee: Staff; venueId: string; action: string; result?: "OK" | "REFUSED"; at: Date; count?: number };

async function seedScans(organizationId: string, ticketId: string, scans: Scan[]) {
  await t.db.prisma.scanEvent.createMany({
    data: scans.flatMap((scan) =>
      Array.from({ length: scan.count ?? 1 }, () => ({
        organizationId,
        venueId: scan.venueId,
        employeeId: scan.employee.employeeId,
        ticketId,
        action: scan.action,
        result: scan.result ?? "OK",
        reason: scan.result === "REFUSED" ? "UNKNOWN_CODE" : null,
        occurredAt: scan.at,
      })),
    ),
  });
}

async function seedShift(organizationId: string, employee: Staff, venueId: string, startedAt: Date, endedAt: Date | null) {
  await t.db.prisma.shift.create({ data: { organizationId, employeeId: employee.employeeId, venueId, startedAt, endedAt } });
}

async function seedDoneTask(organizationId: string, employee: Staff, completedAt: Date, dueAt: Date | null) {
  await t.db.prisma.task.create({
    data: { organizationId, assigneeId: employee.employeeId, title: "seeded", status: "DONE", completedAt, dueAt },
  });
}

/** A coat put on the pickup rail: asked for at `requestedAt`, on its way then, on the rail `seconds` later. */
async function seedFetch(organizationId: string, ticketId: string, employee: Staff, venueId: string, requestedAt: Date, seconds: number) {
  await t.db.prisma.pickupRequest.create({
    data: {
      id: randomUUID(),
      organizationId,
      venueId,
      ticketId,
      ticketNumber: 1,
      state: "COLLECTED",
      requestedBy: "GUEST",
      requestedAt,
      dueAt: requestedAt,
      fetchingAt: requestedAt,
      fetchingById: employee.employeeId,
      readyAt: new Date(requestedAt.getTime() + seconds * 1000),
      readyById: employee.employeeId,
      collectedAt: new Date(requestedAt.getTime() + (seconds + 60) * 1000),
      updatedAt: requestedAt,
    },
  });
}

beforeAll(async () => {
  t = await createTestApi();
  travelTo(t, new Date("2026-11-20T12:00:00.000Z"));
  admin = await founder(t, "Perf Club", "owner@perf.example");
  const org = admin.organization.id;
  main = await createVenue(t, org, "Main");
  side = await createVenue(t, org, "Side");
  alice = await hire(t, admin, { email: "alice@perf.example", name: "Alice", venueIds: [main.id] });
  bob = await hire(t, admin, { email: "bob@perf.example", name: "Bob", venueIds: [main.id, side.id] });
  cara = await hire(t, admin, { email: "cara@perf.example", name: "Cara", venueIds: [side.id] });
  dan = await hire(t, admin, { email: "dan@perf.example", name: "Dan", venueIds: [main.id] });
  eve = await hire(t, admin, { email: "eve@perf.example", name: "=Eve", venueIds: [main.id] });
  const fay = await hire(t, admin, { email: "fay@perf.example", name: "Fay", venueIds: [main.id] });
  await admin.api.employee.create({ email: "gil@perf.example", name: "Gil (invited)", venueIds: [main.id] });
  const ticket = await t.db.prisma.ticket.create({
    data: { publicId: "perfticket0000000000", organizationId: org, venueId: main.id, number: 1 },
    select: { id: true },
  });

  await seedScans(org, ticket.id, [
    // Alice at Main: 5 check-ins (one exactly at F), 1 refused check-in, 3 check-outs,
    // 2 scans and 1 refused scan, 2 swaps: 14 rows, 2 refused.
    { employee: alice, venueId: main.id, action: "CHECK_IN", at: F },
    { employee: alice, venueId: main.id, action: "CHECK_IN", at: at(1), count: 4 },
    { employee: alice, venueId: main.id, action: "CHECK_IN", result: "REFUSED", at: at(1.5) },
    { employee: alice, venueId: main.id, action: "CHECK_OUT", at: at(5), count: 3 },
    { employee: alice, venueId: main.id, action: "SCAN", at: at(2), count: 2 },
    { employee: alice, venueId: main.id, action: "SCAN", result: "REFUSED", at: at(2) },
    { employee: alice, venueId: main.id, action: "SWAP", at: at(3), count: 2 },
    // Alice at Side: 2 scans. Overall 16 rows, 2 refused, 5 scans.
    { employee: alice, venueId: side.id, action: "SCAN", at: at(4.5), count: 2 },
    // Just outside the period on both sides.
    { employee: alice, venueId: main.id, action: "CHECK_IN", at: new Date(F.getTime() - 1) },
    { employee: alice, venueId: main.id, action: "CHECK_IN", at: T },
    { employee: bob, venueId: main.id, action: "SCAN", at: at(6), count: 6 },
    { employee: bob, venueId: side.id, action: "CHECK_OUT", at: at(7), count: 2 },
    { employee: cara, venueId: side.id, action: "CHECK_IN", at: at(8), count: 2 },
    { employee: eve, venueId: main.id, action: "CHECK_IN", at: at(1) },
  ]);

  // Fetches: Alice's 30 s and 50 s at Main (one more asked for just before F), Bob's 20 s at Side.
  await seedFetch(org, ticket.id, alice, main.id, at(1), 30);
  await seedFetch(org, ticket.id, alice, main.id, at(2), 50);
  await seedFetch(org, ticket.id, alice, main.id, new Date(F.getTime() - 1), 10);
  await seedFetch(org, ticket.id, bob, side.id, at(7), 20);
  // Alice: 2h of a shift that began before F, and 1.5h at Side; one shift after T.
  await seedShift(org, alice, main.id, at(-2), at(2));
  await seedShift(org, alice, side.id, at(4), at(5.5));
  await seedShift(org, alice, main.id, at(13), at(14));
  // Bob: still clocked in since T - 1h (now is after T, so the period clips it to 1h), and
  // an earlier shift entirely before F.
  await seedShift(org, bob, main.id, at(-10), at(-9));
  await seedShift(org, bob, main.id, at(11), null);

  // Alice: done at F with due F (on time), on time, late, no due time (on time), and three
  // that do not count: before F, exactly at T, and one still in progress.
  await seedDoneTask(org, alice, F, F);
  await seedDoneTask(org, alice, at(1), at(2));
  await seedDoneTask(org, alice, at(3), at(2));
  await seedDoneTask(org, alice, at(6), null);
  await seedDoneTask(org, alice, at(-1), null);
  await seedDoneTask(org, alice, T, null);
  await t.db.prisma.task.create({
    data: { organizationId: org, assigneeId: alice.employeeId, title: "open", status: "IN_PROGRESS", dueAt: at(1) },
  });
  await t.db.prisma.task.create({
    data: { organizationId: org, assigneeId: alice.employeeId, title: "cancelled", status: "CANCELLED", cancelledAt: at(2) },
  });
  await seedDoneTask(org, bob, at(2), at(1));

  // Another organization's busy night must not leak into this one's numbers.
  const rival = await founder(t, "Rival Perf", "rival@perf.example");
  const rivalVenue = await createVenue(t, rival.organization.id, "Rival Floor");
  const rivalTicket = await t.db.prisma.ticket.create({
    data: { publicId: "rivalticket000000000", organizationId: rival.organization.id, venueId: rivalVenue.id, number: 1 },
    select: { id: true },
  });
  const rivalStaff = await hire(t, rival, { email: "rival-staff@perf.example", name: "Rival Staff", venueIds: [rivalVenue.id] });
  await seedScans(rival.organization.id, rivalTicket.id, [
    { employee: rivalStaff, venueId: rivalVenue.id, action: "CHECK_IN", at: at(1), count: 50 },
  ]);

  await admin.api.employee.deactivate({ employeeId: eve.employeeId });
  await admin.api.employee.deactivate({ employeeId: fay.employeeId });
  travelTo(t, new Date("2026-11-21T12:00:00.000Z"));
});
afterAll(() => t.close());

const zeros = {
  checkIns: 0,
  checkOuts: 0,
  scans: 0,
  refusedScanRate: null,
  shiftHours: 0,
  scansPerShiftHour: null,
  tasksDone: 0,
  tasksDoneOnTime: 0,
  fetches: 0,
  medianFetchSeconds: null,
};

describe("performance.employee", () => {
  it("computes every metric from the records, honouring the period's boundaries", async () => {
    expect(await admin.api.performance.employee({ employeeId: alice.employeeId, ...period })).toEqual({
      from: F,
      to: T,
      employeeId: alice.employeeId,
      name: "Alice",
      checkIns: 5,
      checkOuts: 3,
      scans: 5,
      refusedScanRate: 0.125,
      shiftHours: 3.5,
      scansPerShiftHour: 1.43,
      tasksDone: 4,
      tasksDoneOnTime: 3,
      fetches: 2,
      medianFetchSeconds: 40,
    });
    expect(await admin.api.performance.employee({ employeeId: bob.employeeId, ...period })).toMatchObject({
      checkIns: 0,
      checkOuts: 2,
      scans: 6,
      refusedScanRate: 0,
      shiftHours: 1,
      scansPerShiftHour: 6,
      tasksDone: 1,
      tasksDoneOnTime: 0,
      fetches: 1,
      medianFetchSeconds: 20,
    });
    expect(await admin.api.performance.employee({ employeeId: dan.employeeId, ...period })).toEqual({
      from: F,
      to: T,
      employeeId: dan.employeeId,
      name: "Dan",
      ...zeros,
    });
  });

  it("a narrower period cuts shifts at its edges", async () => {
    // [F+1h, F+5h): Alice's first shift contributes 1h, her Side shift 1h; 2 scans at F+2h and 2 at F+4.5h.
    expect(await alice.api.performance.employee({ employeeId: alice.employeeId, from: at(1), to: at(5) })).toMatchObject({
      checkIns: 4,
      checkOuts: 0,
      scans: 5,
      shiftHours: 2,
      scansPerShiftHour: 2.5,
      tasksDone: 2,
      tasksDoneOnTime: 1,
    });
  });

  it("gives no hourly rate for less than a quarter hour on shift", async () => {
    // [F+4.45h, F+4.55h): six minutes of Alice's shift, with the 2 scans at F+4.5h in it.
    expect(await alice.api.performance.employee({ employeeId: alice.employeeId, from: at(4.45), to: at(4.55) })).toMatchObject({
      scans: 2,
      shiftHours: 0.1,
      scansPerShiftHour: null,
    });
  });

  it("an open shift counts until now", async () => {
    const door = await createVenue(t, admin.organization.id, "Late Door");
    await admin.api.employee.update({ employeeId: cara.employeeId, venueIds: [side.id, door.id] });
    const start = t.clock.now();
    await cara.api.shift.clockIn({ venueId: door.id });
    t.clock.advance(1.5 * HOUR);
    const range = { from: new Date(start.getTime() - HOUR), to: new Date(start.getTime() + 10 * HOUR) };
    expect((await cara.api.performance.employee({ employeeId: cara.employeeId, ...range })).shiftHours).toBe(1.5);
    await cara.api.shift.clockOut();
    await admin.api.employee.update({ employeeId: cara.employeeId, venueIds: [side.id] });
  });

  it("employees see their own numbers only; admins of other organizations see none", async () => {
    expect((await alice.api.performance.employee({ employeeId: alice.employeeId, ...period })).checkIns).toBe(5);
    expect((await refusal(alice.api.performance.employee({ employeeId: bob.employeeId, ...period }))).code).toBe("FORBIDDEN");
    expect((await refusal(alice.api.performance.employeeCsv({ employeeId: bob.employeeId, ...period }))).code).toBe("FORBIDDEN");
    const outsider = await founder(t, "Outsider", "outsider@perf.example");
    expect((await refusal(outsider.api.performance.employee({ employeeId: alice.employeeId, ...period }))).code).toBe("NOT_FOUND");
    expect((await refusal(outsider.api.performance.employeeCsv({ employeeId: alice.employeeId, ...period }))).code).toBe("NOT_FOUND");
    expect((await refusal(t.client().api.performance.employee({ employeeId: alice.employeeId, ...period }))).code).toBe("UNAUTHORIZED");
  });

  it("validates the period", async () => {
    expect((await refusal(admin.api.performance.employee({ employeeId: alice.employeeId, from: T, to: F }))).fieldErrors.to).toEqual([
      "The end must come after the start.",
    ]);
    expect((await refusal(admin.api.performance.employee({ employeeId: alice.employeeId, from: T, to: T }))).code).toBe("BAD_REQUEST");
    const long = await refusal(admin.api.performance.leaderboard({ from: new Date("2025-01-01"), to: new Date("2026-06-01") }));
    expect(long.fieldErrors.to).toEqual(["Choose a period of at most 366 days."]);
    expect((await refusal(admin.api.performance.leaderboard({ from: "yesterday" as never, to: T }))).fieldErrors.from).toBeDefined();
  });
});

describe("performance.leaderboard", () => {
  it("ranks everyone who worked or could have, by coats handled, then scans, tasks and name", async () => {
    const board = await admin.api.performance.leaderboard(period);
    expect(board.map((row) => [row.rank, row.name])).toEqual([
      [1, "Alice"],
      [2, "Bob"],
      [3, "Cara"],
      [4, "=Eve"],
      [5, "Admin of Perf Club"],
      [6, "Dan"],
    ]);
    expect(board[0]).toEqual({
      rank: 1,
      employeeId: alice.employeeId,
      name: "Alice",
      checkIns: 5,
      checkOuts: 3,
      scans: 5,
      refusedScanRate: 0.125,
      shiftHours: 3.5,
      scansPerShiftHour: 1.43,
      tasksDone: 4,
      tasksDoneOnTime: 3,
      fetches: 2,
      medianFetchSeconds: 40,
    });
    expect(board[2]).toEqual({
      rank: 3,
      employeeId: cara.employeeId,
      name: "Cara",
      checkIns: 2,
      checkOuts: 0,
      scans: 0,
      refusedScanRate: 0,
      shiftHours: 0,
      scansPerShiftHour: null,
      tasksDone: 0,
      tasksDoneOnTime: 0,
      fetches: 0,
      medianFetchSeconds: null,
    });
    expect(board[5]).toEqual({ rank: 6, employeeId: dan.employeeId, name: "Dan", ...zeros });
  });

  it("for one venue, counts only its scans and shifts and lists its own staff", async () => {
    const board = await admin.api.performance.leaderboard({ venueId: main.id, ...period });
    expect(board.map((row) => row.name)).toEqual(["Alice", "=Eve", "Bob", "Dan"]);
    expect(board[0]).toMatchObject({
      checkIns: 5,
      checkOuts: 3,
      scans: 3,
      refusedScanRate: 0.1429,
      shiftHours: 2,
      scansPerShiftHour: 1.5,
      tasksDone: 4,
      tasksDoneOnTime: 3,
      fetches: 2,
      medianFetchSeconds: 40,
    });
    expect(board[2]).toMatchObject({
      name: "Bob",
      checkIns: 0,
      checkOuts: 0,
      scans: 6,
      refusedScanRate: 0,
      shiftHours: 1,
      scansPerShiftHour: 6,
    });

    const sideBoard = await admin.api.performance.leaderboard({ venueId: side.id, ...period });
    expect(sideBoard.map((row) => [row.name, row.checkIns + row.checkOuts, row.scans, row.shiftHours, row.fetches])).toEqual([
      ["Bob", 2, 0, 0, 1],
      ["Cara", 2, 0, 0, 0],
      ["Alice", 0, 2, 1.5, 0],
    ]);
  });

  it("is for admins of the organization only", async () => {
    expect((await refusal(alice.api.performance.leaderboard(period))).code).toBe("FORBIDDEN");
    expect((await refusal(alice.api.performance.leaderboardCsv(period))).code).toBe("FORBIDDEN");
    const outsider = await founder(t, "Peeker", "peeker@perf.example");
    expect((await refusal(outsider.api.performance.leaderboard({ venueId: main.id, ...period }))).code).toBe("NOT_FOUND");
    expect((await refusal(outsider.api.performance.leaderboardCsv({ venueId: main.id, ...period }))).code).toBe("NOT_FOUND");
    expect((await outsider.api.performance.leaderboard(period)).map((row) => row.name)).toEqual(["Admin of Peeker"]);
  });
});

describe("CSV reports", () => {
  it("the leaderboard as CSV, with a header, empty cells for no value and formulas neutralized", async () => {
    const csv = await admin.api.performance.leaderboardCsv({ venueId: main.id, ...period });
    const range = `${F.toISOString()},${T.toISOString()}`;
    expect(csv).toBe(
      [
        "rank,employee_id,name,from,to,check_ins,check_outs,scans,refused_scan_rate,shift_hours,scans_per_shift_hour,tasks_done,tasks_done_on_time,fetches,median_fetch_seconds",
        `1,${alice.employeeId},Alice,${range},5,3,3,0.1429,2,1.5,4,3,2,40`,
        `2,${eve.employeeId},'=Eve,${range},1,0,0,0,0,,0,0,0,`,
        `3,${bob.employeeId},Bob,${range},0,0,6,0,1,6,1,0,0,`,
        `4,${dan.employeeId},Dan,${range},0,0,0,,0,,0,0,0,`,
        "",
      ].join("\n"),
    );
  });

  it("one employee's numbers as CSV", async () => {
    const csv = await alice.api.performance.employeeCsv({ employeeId: alice.employeeId, ...period });
    expect(csv).toBe(
      "employee_id,name,from,to,check_ins,check_outs,scans,refused_scan_rate,shift_hours,scans_per_shift_hour,tasks_done,tasks_done_on_time,fetches,median_fetch_seconds\n" +
        `${alice.employeeId},Alice,${F.toISOString()},${T.toISOString()},5,3,5,0.125,3.5,1.43,4,3,2,40\n`,
    );
  });
});
