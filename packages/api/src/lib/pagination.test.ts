import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { hireAttendant, openVenue } from "../qr/testing";
import { appRouter } from "../root";
import { createTestApi, type Caller, type TestApi } from "../testing";

// A list must cost the same number of SQL statements whatever its page size: a query per
// row (an N+1) shows up as a count that grows with `limit`. The lists are found in the
// router itself — every procedure whose input takes a `limit` — so a new list without a
// row in `listCalls` fails here until someone says how to call it.

const ROWS = 24;
const SMALL_PAGE = 2;
const LARGE_PAGE = 20;

type Fixture = { admin: Caller; attendant: Caller; guest: Caller; venueId: string; attendantEmployeeId: string };

/** How to fill a page of each list: who asks, and with what besides `limit` and `cursor`. */
const listCalls: Record<
  string,
  (f: Fixture, page: { limit: number; cursor?: string }) => Promise<{ items: unknown[]; nextCursor: string | null }>
> = {
  "venue.list": (f, page) => f.admin.venue.list(page),
  "employee.list": (f, page) => f.admin.employee.list(page),
  "task.list": (f, page) => f.admin.task.list(page),
  "shift.list": (f, page) => f.admin.shift.list({ employeeId: f.attendantEmployeeId, ...page }),
  "qr.mine": (f, page) => f.guest.qr.mine(page),
  "qr.lookup": (f, page) => f.attendant.qr.lookup({ venueId: f.venueId, query: "Lola Lost", ...page }),
  "qr.history": (f, page) => f.admin.qr.history({ venueId: f.venueId, ...page }),
  "qr.list": (f, page) => f.admin.qr.list({ venueId: f.venueId, ...page }),
  "audit.list": (f, page) => f.admin.audit.list(page),
  "messages.list": (f, page) => f.admin.messages.list(page),
};

function takesLimit(input: unknown): boolean {
  if (!(input instanceof z.ZodType)) return false;
  const schema = z.toJSONSchema(input, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown> };
  return schema.properties !== undefined && "limit" in schema.properties;
}

const listProcedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>)
  .filter(([, procedure]) => procedure._def.inputs.some(takesLimit))
  .map(([path]) => path)
  .sort();

let t: TestApi;
let fixture: Fixture;

beforeAll(async () => {
  t = await createTestApi();
  const club = await openVenue(t, "Counted", { hangers: ROWS * 2 });
  const venueId = club.venue.id;
  const attendant = await hireAttendant(t, club.organizationId, "attendant@counted.example", [venueId]);
  const guest = await t.signUp({ email: "guest@counted.example" });
  for (let i = 0; i < ROWS; i++) {
    const venue = await club.admin.api.venue.create({
      name: `Counted ${i}`,
      timezone: "Europe/Berlin",
      opensAt: "22:00",
      closesAt: "05:00",
    });
    await club.admin.api.employee.create({ email: `staff-${i}@counted.example`, name: `Staff ${i}`, venueIds: [venue.id] });
    await club.admin.api.task.create({ title: `Task ${i}`, venueId, assigneeId: attendant.employeeId });
    await attendant.api.shift.clockIn({ venueId });
    const walkIn = await attendant.api.qr.issueWalkIn({ venueId, name: "Lola Lost" });
    await attendant.api.qr.checkIn({ venueId, ticketId: walkIn.id });
    const own = await guest.api.qr.request({ venueId });
    await attendant.api.qr.checkIn({ venueId, ticketId: own.id });
    await attendant.api.shift.clockOut();
  }
  fixture = { admin: club.admin.api, attendant: attendant.api, guest: guest.api, venueId, attendantEmployeeId: attendant.employeeId };
}, 180_000);
afterAll(() => t.close());

describe("list procedures", () => {
  it("are all known here, and only those", () => {
    expect(listProcedures).toEqual(Object.keys(listCalls).sort());
  });

  it.each(Object.keys(listCalls))("%s costs the same statements for a page of 2 and of 20", async (path) => {
    const call = listCalls[path]!;
    const statementsFor = async (limit: number) => {
      const before = t.db.statementCount();
      const page = await call(fixture, { limit });
      return { statements: t.db.statementCount() - before, rows: page.items.length };
    };
    const small = await statementsFor(SMALL_PAGE);
    const large = await statementsFor(LARGE_PAGE);
    // Full pages both times, or the comparison would prove nothing.
    expect([small.rows, large.rows]).toEqual([SMALL_PAGE, LARGE_PAGE]);
    expect(large.statements).toBe(small.statements);
  });

  it.each(Object.keys(listCalls))("%s pages through every row once, in the order of one long page", async (path) => {
    const call = listCalls[path]!;
    const whole = await call(fixture, { limit: 100 });
    const walked: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(fixture, { limit: 7, cursor });
      walked.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(whole.nextCursor).toBeNull();
    expect(walked.length).toBeGreaterThan(7);
    expect(walked).toEqual(whole.items);
  });
});
