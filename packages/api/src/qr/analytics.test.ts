import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, type TestApi } from "../testing";
import { type hireAttendant, hireAttendantOnShift, openVenue, setClock } from "./testing";

// One night at a Berlin venue (UTC+1 in January), seeded at known instants, and the
// figures it must give for 21:00–05:00 local time (20:00Z–04:00Z). The test clock drifts
// by the milliseconds each call takes, which no figure here is sensitive to but instants.

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;
let ada: Awaited<ReturnType<typeof hireAttendant>>;
let bob: Awaited<ReturnType<typeof hireAttendant>>;

const from = new Date("2027-01-15T20:00:00Z");
const to = new Date("2027-01-16T04:00:00Z");

beforeAll(async () => {
  t = await createTestApi();
  setClock(t, "2027-01-15T18:00:00Z");
  club = await openVenue(t, "Analytics", { hangers: 10, priceCents: 250 });
  ada = await hireAttendantOnShift(t, club.organizationId, "ada@analytics.example", [club.venue.id], "Ada Attendant");
  bob = await hireAttendantOnShift(t, club.organizationId, "bob@analytics.example", [club.venue.id], "Bob Bouncer");
  const prankster = await hireAttendantOnShift(
    t,
    club.organizationId,
    "eve@analytics.example",
    [club.venue.id],
    '=HYPERLINK("http://evil")',
  );
  const venueId = club.venue.id;
  const at = (time: string) => setClock(t, `2027-01-${time}Z`);

  at("15T19:00:00");
  const [early, t1, t2, t3, t4, t5] = await Promise.all(Array.from({ length: 6 }, () => ada.api.qr.issueWalkIn({ venueId })));
  const code = (ticket: { code: string } | undefined) => ticket!.code;
  at("15T19:30:00");
  await ada.api.qr.checkIn({ venueId, code: code(early), payment: { status: "PAID_CASH" } });

  at("15T20:10:00");
  await ada.api.qr.checkIn({ venueId, code: code(t1), payment: { status: "PAID_CASH" } });
  at("15T20:20:00");
  await ada.api.qr.checkIn({ venueId, code: code(t2), payment: { status: "PAID_CARD", amountCents: 300 } });
  at("15T20:40:00");
  await bob.api.qr.checkIn({ venueId, code: code(t3) });
  at("15T21:05:00");
  await ada.api.qr.checkIn({ venueId, code: code(t4), payment: { status: "PREPAID", amountCents: 200 } });
  at("15T21:10:00");
  await bob.api.qr.checkOut({ venueId, code: code(early) });
  at("15T21:20:00");
  await ada.api.qr.checkOut({ venueId, code: code(t2) });
  at("15T21:30:00");
  await refusal(bob.api.qr.scan({ venueId, code: "not a ticket" }));
  await refusal(bob.api.qr.scan({ venueId, code: "https://elsewhere.example/t/xyz" }));
  at("15T21:40:00");
  await bob.api.qr.detach({ venueId, code: code(t3) });
  at("15T21:50:00");
  await refusal(ada.api.qr.checkOut({ venueId, code: code(t2) }));
  at("15T22:00:00");
  await bob.api.qr.checkIn({ venueId, code: code(t3) });
  at("15T22:05:00");
  await ada.api.qr.scan({ venueId, code: code(t1) });
  at("15T22:10:00");
  await bob.api.qr.checkOut({ venueId, code: code(t1) });
  at("15T22:30:00");
  await bob.api.qr.checkIn({ venueId, code: code(t5) });
  at("15T22:45:00");
  await bob.api.qr.void({ venueId, code: code(t5), reason: "duplicate" });
  at("15T23:00:00");
  await refusal(prankster.api.qr.scan({ venueId, code: "lost" }));
  at("15T23:30:00");
  await ada.api.qr.checkOut({ venueId, code: code(t3), unpaidReason: "Guest list" });
  at("16T04:30:00"); // after the period: not counted
  await ada.api.qr.checkOut({ venueId, code: code(t4) });
});
afterAll(() => t.close());

describe("qr.analytics", () => {
  it("gives the night's figures exactly", async () => {
    const report = await club.admin.api.qr.analytics({ venueId: club.venue.id, from, to });
    expect(report.venue).toEqual({ id: club.venue.id, name: "Analytics Club", timezone: "Europe/Berlin", currency: "EUR" });
    expect(report.totals).toEqual({ checkIns: 6, checkOuts: 4, refusedScans: 4 });
    expect(report.hourly.map((hour) => [hour.localHour, hour.checkIns, hour.checkOuts, hour.occupancy])).toEqual([
      ["2027-01-15 21:00", 3, 0, 4],
      ["2027-01-15 22:00", 1, 2, 2],
      ["2027-01-15 23:00", 2, 1, 2],
      ["2027-01-16 00:00", 0, 1, 1],
      ["2027-01-16 01:00", 0, 0, 1],
      ["2027-01-16 02:00", 0, 0, 1],
      ["2027-01-16 03:00", 0, 0, 1],
      ["2027-01-16 04:00", 0, 0, 1],
    ]);
    expect(report.hourly[0]!.hourStart).toEqual(from);
    expect(report.peakOccupancy.count).toBe(5);
    expect(report.peakOccupancy.at.getTime()).toBeCloseTo(Date.parse("2027-01-15T21:05:00Z"), -4);
    // Stays ended by a check-out: 100 (checked in before the period), 120, 60 and 90
    // minutes; the stay ended by the detach is not one.
    expect(report.stay).toEqual({ count: 4, meanMinutes: 92.5, medianMinutes: 95 });
    expect(report.refusalsByReason).toEqual([
      { reason: "UNKNOWN_CODE", count: 3 },
      { reason: "ALREADY_RETURNED", count: 1 },
    ]);
    expect(report.revenue).toEqual({
      currency: "EUR",
      totalCents: 750,
      byPaymentStatus: [
        { paymentStatus: "PAID_CASH", tickets: 1, amountCents: 250 },
        { paymentStatus: "PAID_CARD", tickets: 1, amountCents: 300 },
        { paymentStatus: "PREPAID", tickets: 1, amountCents: 200 },
      ],
      // t3 was checked in unpaid and handed back with a reason; nothing unpaid is left on the racks.
      unpaid: { handedBack: { tickets: 1, amountCents: 250 }, stillOnRacks: { tickets: 0, amountCents: 0 } },
    });
    expect(report.attendants.map(({ employeeId: _, ...figures }) => figures)).toEqual([
      { name: "Ada Attendant", checkIns: 3, checkOuts: 2, scans: 1, refusals: 1 },
      { name: "Bob Bouncer", checkIns: 3, checkOuts: 2, scans: 2, refusals: 2 },
      { name: '=HYPERLINK("http://evil")', checkIns: 0, checkOuts: 0, scans: 1, refusals: 1 },
    ]);
    expect(report.attendants[0]!.employeeId).toBe(ada.employeeId);
  });

  it("agrees with the employees domain's performance figures, which read the same events", async () => {
    const report = await club.admin.api.qr.analytics({ venueId: club.venue.id, from, to });
    for (const person of report.attendants) {
      const metrics = await club.admin.api.performance.employee({ employeeId: person.employeeId, from, to });
      expect({ checkIns: metrics.checkIns, checkOuts: metrics.checkOuts, scans: metrics.scans }, person.name).toEqual({
        checkIns: person.checkIns,
        checkOuts: person.checkOuts,
        scans: person.scans,
      });
    }
  });

  it("counts coats still on the racks when the period starts", async () => {
    const report = await club.admin.api.qr.analytics({
      venueId: club.venue.id,
      from: new Date("2027-01-15T22:20:00Z"),
      to: new Date("2027-01-15T23:00:00Z"),
    });
    // t3 and t4 were on the racks at 22:20Z; t5 came at 22:30Z and was voided at 22:45Z.
    expect(report.hourly.map((hour) => [hour.localHour, hour.checkIns, hour.occupancy])).toEqual([["2027-01-15 23:00", 1, 2]]);
    expect(report.peakOccupancy.count).toBe(3);
    expect(report.peakOccupancy.at.getTime()).toBeCloseTo(Date.parse("2027-01-15T22:30:00Z"), -4);
    expect(report.stay).toEqual({ count: 0, meanMinutes: null, medianMinutes: null });
  });

  it("exports the same figures as CSV, with formulas defused", async () => {
    const csv = await club.admin.api.qr.analyticsCsv({ venueId: club.venue.id, from, to });
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("section,label,metric,value,unit");
    for (const line of [
      "summary,Analytics Club,check_ins,6,count",
      "summary,Analytics Club,peak_occupancy,5,coats",
      "summary,Analytics Club,mean_stay,92.5,minutes",
      "summary,Analytics Club,median_stay,95,minutes",
      "hourly,2027-01-15 21:00,check_ins,3,count",
      "hourly,2027-01-15 22:00,occupancy,2,coats",
      "refusals,UNKNOWN_CODE,count,3,count",
      "revenue,PAID_CARD,amount,300,cents EUR",
      "revenue,total,amount,750,cents EUR",
      "unpaid,handed back,amount,250,cents EUR",
      "attendants,Bob Bouncer,scans,2,count",
      `attendants,"'=HYPERLINK(""http://evil"")",scans,1,count`,
    ]) {
      expect(lines).toContain(line);
    }
    // The exit's queue has a row per hour even with no pickup request (pickup/exit.test.ts).
    // Unpaid: handed back and still on the racks, each as tickets and amount.
    expect(lines).toHaveLength(1 + 7 + 8 * 3 + 2 + 3 * 2 + 1 + 2 * 2 + 3 * 4 + 8);
    expect(lines).toContain("exit_queue,2027-01-15 21:00,max_open_requests,0,requests");
  });

  it("is for the organization's admins, over a sensible period", async () => {
    expect((await refusal(ada.api.qr.analytics({ venueId: club.venue.id, from, to }))).code).toBe("FORBIDDEN");
    const rival = await t.signUpAdmin("Rival", "rival@analytics.example");
    expect((await refusal(rival.api.qr.analytics({ venueId: club.venue.id, from, to }))).code).toBe("NOT_FOUND");
    expect((await refusal(rival.api.qr.analyticsCsv({ venueId: club.venue.id, from, to }))).code).toBe("NOT_FOUND");
    expect((await refusal(club.admin.api.qr.analytics({ venueId: club.venue.id, from: to, to: from }))).fieldErrors.to).toEqual([
      "The end must come after the start.",
    ]);
    expect(
      (await refusal(club.admin.api.qr.analytics({ venueId: club.venue.id, from, to: new Date(from.getTime() + 32 * 24 * 3600_000) })))
        .fieldErrors.to,
    ).toEqual(["Choose a period of at most 31 days."]);
    // Found by the fuzzing: a period at the calendar's very start has Berlin hours before year 1.
    const yearOne = new Date("0001-01-01T00:00:00.002Z");
    for (const report of [club.admin.api.qr.analytics, club.admin.api.qr.analyticsCsv]) {
      expect(
        (await refusal(report({ venueId: club.venue.id, from: yearOne, to: new Date(yearOne.getTime() + 2_459) }))).fieldErrors.from,
      ).toEqual(["Reports start in the year 2000 or later."]);
    }
  });
});
