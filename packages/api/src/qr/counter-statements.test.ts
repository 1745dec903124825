import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApi, type TestApi } from "../testing";
import { openVenue } from "./testing";

// The counter is the hot path: every statement is a round trip an attendant waits for in a
// rush. These are the counts bench/RESULTS.md was measured with, the session lookup
// included; a change that adds one should be a decision, not an accident.

let t: TestApi;
let club: Awaited<ReturnType<typeof openVenue>>;

beforeAll(async () => {
  t = await createTestApi();
  club = await openVenue(t, "Counted", { hangers: 3 });
});
afterAll(() => t.close());

it("takes a coat through the counter in 5, 7, 4 and 5 statements", async () => {
  const venueId = club.venue.id;
  const { code } = await club.admin.api.qr.issueWalkIn({ venueId });
  const statements = async (step: () => Promise<unknown>) => {
    const before = t.db.statementCount();
    await step();
    return t.db.statementCount() - before;
  };
  const counts = {
    scanIssued: await statements(() => club.admin.api.qr.scan({ venueId, code })),
    checkIn: await statements(() => club.admin.api.qr.checkIn({ venueId, code })),
    scanCheckedIn: await statements(() => club.admin.api.qr.scan({ venueId, code })),
    checkOut: await statements(() => club.admin.api.qr.checkOut({ venueId, code })),
  };
  expect(counts).toEqual({ scanIssued: 5, checkIn: 7, scanCheckedIn: 4, checkOut: 5 });
});
