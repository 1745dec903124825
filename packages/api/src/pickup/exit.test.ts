import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type hireAttendant, hireAttendantOnShift, onShiftAt, openVenue, setClock } from "../qr/testing";
import { createTestApi, type TestApi } from "../testing";
import { sweepPickups } from "./requests";

// The exit wait in qr.analytics (pickup/exit.ts), over one crafted night at a Berlin club that
// opens at 22:00 (UTC+1 in December), every step at an exact second.

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let ada: Awaited<ReturnType<typeof hireAttendant>>;
let ben: Awaited<ReturnType<typeof hireAttendant>>;
let annexId: string;

/** The report's period: from 22:00 local on Saturday 5 December to 00:00 local on Monday. */
const FROM = new Date("2026-12-05T21:00:00Z");
const TO = new Date("2026-12-06T23:00:00Z");

let guests = 0;
async function checkedInCoat(venueId: string) {
  const guest = await t.signUp({ email: `guest-${++guests}@exit.example` });
  const ticket = await guest.api.qr.request({ venueId });
  await ada.api.qr.checkIn({ venueId, code: ticket.code });
  return ticket.code;
}

/** A phone holding only the ticket's code. */
const phone = () => t.client().api;

async function ask(code: string, at: string, delayMinutes: 0 | 5 | 10 = 0) {
  setClock(t, at);
  return (await phone().pickup.request({ code, requestId: randomUUID(), delayMinutes })).id;
}

beforeAll(async () => {
  // Time stands still between steps (the test clock otherwise moves on by the milliseconds
  // each call takes), so every wait below is a whole number of seconds.
  const frozen = Date.now();
  vi.spyOn(Date, "now").mockImplementation(() => frozen);
  t = await createTestApi();
  setClock(t, "2026-12-05T20:00:00Z");
  club = await openVenue(t, "Exit", { hangers: 20 });
  await club.admin.api.venue.update({ venueId: club.venue.id, pickupHoldMinutes: 10 });
  ada = await hireAttendantOnShift(t, club.organizationId, "ada@exit.example", [club.venue.id], "Ada");
  ben = await hireAttendantOnShift(t, club.organizationId, "ben@exit.example", [club.venue.id], "Ben");
  // Another venue of the same organization, where Ada fetches too.
  const annex = await club.admin.api.venue.create({ name: "Annex", timezone: "Europe/Berlin", opensAt: "22:00", closesAt: "05:00" });
  annexId = annex.id;
  await club.admin.api.rack.create({ venueId: annexId, name: "Hangers", slotCount: 5, kind: "HANGER" });
  await t.db.prisma.employeeVenue.create({ data: { employeeId: ada.employeeId, venueId: annexId } });
  const venueId = club.venue.id;

  // Before the period (21:30 local, so the night before): asked and handed back at the counter.
  const early = await checkedInCoat(venueId);
  await ask(early, "2026-12-05T20:30:00Z");
  setClock(t, "2026-12-05T20:40:00Z");
  await ada.api.qr.checkOut({ venueId, code: early });

  setClock(t, "2026-12-05T22:00:00Z");
  const [c1, c2, c3, c4, c5, c6, late, elsewhere] = [
    ...(await Promise.all(Array.from({ length: 7 }, () => checkedInCoat(venueId)))),
    await onShiftAt(ada.api, annexId, venueId, () => checkedInCoat(annexId)),
  ];

  // R1 23:30 local: on its way after 60 s, on the rail at 120 s (Ada), handed over at 300 s.
  const r1 = await ask(c1, "2026-12-05T22:30:00Z");
  setClock(t, "2026-12-05T22:31:00Z");
  await ada.api.pickup.start({ venueId, requestId: r1 });
  setClock(t, "2026-12-05T22:32:00Z");
  await ada.api.pickup.fetched({ venueId, requestId: r1 });
  // R2 asks for "in 5 minutes" (due 22:38); Ben has it ready two minutes early (no wait, a
  // 120 s fetch), it is collected 120 s after it was due.
  const r2 = await ask(c2!, "2026-12-05T22:33:00Z", 5);
  setClock(t, "2026-12-05T22:34:00Z");
  await ben.api.pickup.start({ venueId, requestId: r2 });
  setClock(t, "2026-12-05T22:35:00Z");
  expect(await ada.api.qr.scan({ venueId, code: c1 })).toMatchObject({ handedOver: true });
  setClock(t, "2026-12-05T22:36:00Z");
  await ben.api.pickup.fetched({ venueId, requestId: r2 });
  setClock(t, "2026-12-05T22:40:00Z");
  await ben.api.qr.scan({ venueId, code: c2! });
  // Elsewhere: the annex's request, fetched by Ada, belongs to the annex only.
  const other = await ask(elsewhere!, "2026-12-05T22:45:00Z");
  setClock(t, "2026-12-05T22:46:00Z");
  await onShiftAt(ada.api, annexId, venueId, async () => {
    await ada.api.pickup.start({ venueId: annexId, requestId: other });
    setClock(t, "2026-12-05T22:50:00Z");
    await ada.api.pickup.fetched({ venueId: annexId, requestId: other });
  });

  // R3 at 00:10 local, after midnight but the same night: ready at 120 s (a 90 s fetch), never
  // collected: the hold sweep at 01:05 local leaves it uncollected.
  const r3 = await ask(c3!, "2026-12-05T23:10:00Z");
  setClock(t, "2026-12-05T23:10:30Z");
  await ada.api.pickup.start({ venueId, requestId: r3 });
  setClock(t, "2026-12-05T23:12:00Z");
  await ada.api.pickup.fetched({ venueId, requestId: r3 });
  // R4: called off by the guest.
  await ask(c4!, "2026-12-05T23:20:00Z");
  setClock(t, "2026-12-05T23:25:00Z");
  await phone().pickup.cancel({ code: c4! });
  setClock(t, "2026-12-06T00:05:00Z");
  await sweepPickups(t.deps);

  // R5 04:00 local: "fetched" without "on my way" at 400 s (a fetch with no measured time: it
  // counts as a fetch, not in the median), collected at 600 s.
  const r5 = await ask(c5!, "2026-12-06T03:00:00Z");
  setClock(t, "2026-12-06T03:06:40Z");
  await ada.api.pickup.fetched({ venueId, requestId: r5 });
  setClock(t, "2026-12-06T03:10:00Z");
  await ada.api.qr.scan({ venueId, code: c5! });

  // R6 22:30 local on Sunday: the next night. Due at 21:40, ready 150 s later (Ben, a 90 s
  // fetch), collected at 300 s.
  const r6 = await ask(c6!, "2026-12-06T21:30:00Z", 10);
  setClock(t, "2026-12-06T21:41:00Z");
  await ben.api.pickup.start({ venueId, requestId: r6 });
  setClock(t, "2026-12-06T21:42:30Z");
  await ben.api.pickup.fetched({ venueId, requestId: r6 });
  setClock(t, "2026-12-06T21:45:00Z");
  await ben.api.qr.scan({ venueId, code: c6! });

  // After the period: asked at 00:30 local on Monday, fetched by Ada.
  const after = await ask(late!, "2026-12-06T23:30:00Z");
  setClock(t, "2026-12-06T23:31:00Z");
  await ada.api.pickup.fetched({ venueId, requestId: after });
  setClock(t, "2026-12-07T12:00:00Z");
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.close();
});

describe("qr.analytics: the exit", () => {
  it("per night: counts, and the waits from the time the guest wanted the coat, as median and p90", async () => {
    const { exit } = await club.admin.api.qr.analytics({ venueId: club.venue.id, from: FROM, to: TO });
    expect(exit.nights).toEqual([
      {
        night: "2026-12-05",
        requests: 5,
        collected: 3,
        cancelled: 1,
        uncollected: 1,
        // Ready: 0 (R2, early), 120, 120, 400 → median 120, p90 120 + 0.7 × 280.
        dueToReady: { medianSeconds: 120, p90Seconds: 316 },
        // Collected: 120, 300, 600 → median 300, p90 300 + 0.8 × 300.
        dueToCollected: { medianSeconds: 300, p90Seconds: 540 },
      },
      {
        night: "2026-12-06",
        requests: 1,
        collected: 1,
        cancelled: 0,
        uncollected: 0,
        dueToReady: { medianSeconds: 150, p90Seconds: 150 },
        dueToCollected: { medianSeconds: 300, p90Seconds: 300 },
      },
    ]);
  });

  it("the queue: the most requests open at once in each local hour, aligned with the hourly figures", async () => {
    const report = await club.admin.api.qr.analytics({ venueId: club.venue.id, from: FROM, to: TO });
    expect(report.exit.queueByHour.map((hour) => hour.localHour)).toEqual(report.hourly.map((hour) => hour.localHour));
    const busy = Object.fromEntries(
      report.exit.queueByHour.filter((hour) => hour.maxOpenRequests > 0).map((hour) => [hour.localHour, hour.maxOpenRequests]),
    );
    expect(busy).toEqual({
      "2026-12-05 23:00": 2, // R1 and R2 both open 23:33–23:35
      "2026-12-06 00:00": 2, // R3 and R4 both open 00:20–00:25
      "2026-12-06 01:00": 1, // R3, open from the hour before until the sweep at 01:05
      "2026-12-06 04:00": 1,
      "2026-12-06 22:00": 1,
    });
    expect(report.exit.queueByHour).toHaveLength(26);
  });

  it("fetches per attendant at this venue, with their median fetch", async () => {
    const { exit } = await club.admin.api.qr.analytics({ venueId: club.venue.id, from: FROM, to: TO });
    expect(exit.attendants).toEqual([
      // 60, 90 and 0 seconds; the annex's fetch and the one after the period are not here.
      { employeeId: ada.employeeId, name: "Ada", fetches: 3, medianFetchSeconds: 75 },
      { employeeId: ben.employeeId, name: "Ben", fetches: 2, medianFetchSeconds: 105 },
    ]);
  });

  it("a request before the opening hour belongs to the night before; a period without requests is empty", async () => {
    const before = await club.admin.api.qr.analytics({ venueId: club.venue.id, from: new Date("2026-12-05T12:00:00Z"), to: FROM });
    // Asked at 21:30 local, half an hour before the club opened: Friday's night. No fetch, no ready time.
    expect(before.exit.nights).toEqual([
      {
        night: "2026-12-04",
        requests: 1,
        collected: 1,
        cancelled: 0,
        uncollected: 0,
        dueToReady: { medianSeconds: null, p90Seconds: null },
        dueToCollected: { medianSeconds: 600, p90Seconds: 600 },
      },
    ]);
    expect(before.exit.attendants).toEqual([]);
    expect(before.exit.queueByHour.filter((hour) => hour.maxOpenRequests > 0).map((hour) => hour.localHour)).toEqual(["2026-12-05 21:00"]);
    const quiet = await club.admin.api.qr.analytics({
      venueId: club.venue.id,
      from: new Date("2026-12-01T00:00:00Z"),
      to: new Date("2026-12-02T00:00:00Z"),
    });
    expect(quiet.exit).toMatchObject({ nights: [], attendants: [] });
    expect(quiet.exit.queueByHour).toHaveLength(24);
    expect(quiet.exit.queueByHour.every((hour) => hour.maxOpenRequests === 0)).toBe(true);
    const annex = await club.admin.api.qr.analytics({ venueId: annexId, from: FROM, to: TO });
    expect(annex.exit.nights.map((night) => [night.night, night.requests, night.collected])).toEqual([["2026-12-05", 1, 0]]);
    expect(annex.exit.attendants).toEqual([{ employeeId: ada.employeeId, name: "Ada", fetches: 1, medianFetchSeconds: 240 }]);
  });

  it("the CSV export has the exit's rows", async () => {
    const csv = await club.admin.api.qr.analyticsCsv({ venueId: club.venue.id, from: FROM, to: TO });
    const lines = csv.split("\n");
    for (const line of [
      "exit_nights,2026-12-05,requests,5,count",
      "exit_nights,2026-12-05,uncollected,1,count",
      "exit_nights,2026-12-05,due_to_ready_median,120,seconds",
      "exit_nights,2026-12-05,due_to_ready_p90,316,seconds",
      "exit_nights,2026-12-05,due_to_collected_median,300,seconds",
      "exit_nights,2026-12-05,due_to_collected_p90,540,seconds",
      "exit_nights,2026-12-06,due_to_ready_median,150,seconds",
      "exit_queue,2026-12-05 23:00,max_open_requests,2,requests",
      "exit_queue,2026-12-05 22:00,max_open_requests,0,requests",
      "exit_attendants,Ada,fetches,3,count",
      "exit_attendants,Ben,median_fetch,105,seconds",
    ]) {
      expect(lines).toContain(line);
    }
  });
});

describe("performance: fetches", () => {
  it("counts each employee's fetches of the period and their median fetch, at every venue or at one", async () => {
    const period = { from: FROM, to: TO };
    // At every venue: the annex's 240 s fetch joins Ada's 60 and 90 s (and her unmeasured one).
    expect(await club.admin.api.performance.employee({ employeeId: ada.employeeId, ...period })).toMatchObject({
      fetches: 4,
      medianFetchSeconds: 90,
    });
    expect(await ben.api.performance.employee({ employeeId: ben.employeeId, ...period })).toMatchObject({
      fetches: 2,
      medianFetchSeconds: 105,
    });
    const board = await club.admin.api.performance.leaderboard({ venueId: club.venue.id, ...period });
    expect(board.filter((row) => row.fetches > 0).map((row) => [row.name, row.fetches, row.medianFetchSeconds])).toEqual([
      ["Ada", 3, 75],
      ["Ben", 2, 105],
    ]);
    const csv = await club.admin.api.performance.leaderboardCsv({ venueId: club.venue.id, ...period });
    expect(csv.split("\n")[0]).toMatch(/,fetches,median_fetch_seconds$/);
    expect(csv).toMatch(new RegExp(`,Ben,.*,2,105\\n`));
    // Nothing fetched: zero, and no median.
    const quiet = await club.admin.api.performance.employee({
      employeeId: ben.employeeId,
      from: FROM,
      to: new Date("2026-12-05T22:00:00Z"),
    });
    expect(quiet).toMatchObject({ fetches: 0, medianFetchSeconds: null });
  });
});
