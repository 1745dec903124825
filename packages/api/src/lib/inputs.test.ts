import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVenue, founder } from "../employee/testing";
import { createTestApi, refusal, type TestApi } from "../testing";

let t: TestApi;
let admin: Awaited<ReturnType<typeof founder>>;
let venueId: string;

beforeAll(async () => {
  t = await createTestApi();
  admin = await founder(t, "Period Ltd", "owner@period.example");
  venueId = (await createVenue(t, admin.organization.id, "Period Bar")).id;
});
afterAll(() => t.close());

describe("shared inputs: one rule, one message", () => {
  const start = new Date("2026-03-01T00:00:00Z");
  const backwards = { from: start, to: new Date(start.getTime() - 60_000) };
  const tooLong = { from: start, to: new Date(start.getTime() + 400 * 24 * 3600_000) };

  it("every procedure that takes a period refuses one that ends before it starts, in the same words", async () => {
    const calls = {
      "qr.list": () => admin.api.qr.list({ ...backwards, limit: 10 }),
      "qr.history": () => admin.api.qr.history({ ...backwards, limit: 10 }),
      "qr.analytics": () => admin.api.qr.analytics({ venueId, ...backwards }),
      "qr.analyticsCsv": () => admin.api.qr.analyticsCsv({ venueId, ...backwards }),
      "audit.list": () => admin.api.audit.list({ ...backwards, limit: 10 }),
      "shift.list": () => admin.api.shift.list({ ...backwards, limit: 10 }),
      "performance.employee": () => admin.api.performance.employee({ employeeId: admin.employeeId, ...backwards }),
      "performance.employeeCsv": () => admin.api.performance.employeeCsv({ employeeId: admin.employeeId, ...backwards }),
      "performance.leaderboard": () => admin.api.performance.leaderboard(backwards),
      "performance.leaderboardCsv": () => admin.api.performance.leaderboardCsv(backwards),
    };
    const messages: Record<string, unknown> = {};
    for (const [name, call] of Object.entries(calls)) messages[name] = (await refusal(call())).fieldErrors.to;
    expect(messages).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, ["The end must come after the start."]])));
  });

  it("a period longer than a procedure allows is refused in the same words, with its own limit", async () => {
    expect((await refusal(admin.api.qr.analytics({ venueId, ...tooLong }))).fieldErrors.to).toEqual([
      "Choose a period of at most 31 days.",
    ]);
    expect((await refusal(admin.api.performance.leaderboard(tooLong))).fieldErrors.to).toEqual(["Choose a period of at most 366 days."]);
  });

  it("email addresses are tidied and checked alike wherever they are typed", async () => {
    const invalid = ["Enter a valid email address."];
    expect((await refusal(t.client().api.auth.login({ email: "not an address", password: "x" }))).fieldErrors.email).toEqual(invalid);
    expect((await refusal(admin.api.employee.create({ email: "not an address", name: "N", venueIds: [] }))).fieldErrors.email).toEqual(
      invalid,
    );
    expect((await refusal(admin.api.qr.issueWalkIn({ venueId, email: "not an address" }))).fieldErrors.email).toEqual(invalid);
    const { employee } = await admin.api.employee.create({ email: "  Mixed.Case@Period.Example ", name: "Mixed", venueIds: [] });
    expect(employee.email).toBe("mixed.case@period.example");
  });
});
