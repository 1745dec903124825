import { queuedPlaces } from "@qrcoats/api/client";
import { createTestApi, type TestApi, type TestClient } from "@qrcoats/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoSignIns, seedDemoIfEmpty, type DemoSeed } from "./index";

let t: TestApi;
let seed: DemoSeed | null;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

/** The first message of a live stream, opened signed in as a demo person (or no one), then closed. */
async function firstOf<T>(person: string | null, open: (api: TestClient["api"]) => Promise<AsyncIterable<T>>) {
  const connection = new AbortController();
  const client = t.client({ signal: connection.signal });
  if (person) await client.api.auth.login({ email: `${person}@demo.qrcoats.example`, password: DEMO_PASSWORD });
  try {
    for await (const message of await open(client.api)) return message;
    throw new Error("The stream ended before its first message");
  } finally {
    connection.abort();
  }
}

const counts = (sql: string) =>
  t.db.sql.query<{ key: string; n: number }>(sql).then((rows) => Object.fromEntries(rows.map((row) => [row.key, row.n])));

describe("the demo organization", () => {
  // Seeding plays two whole nights through the API: on a busy machine it outlasts the default 30 s.
  it("shows every feature: tickets in every state, every counter action, refusals, tasks, shifts", { timeout: 120_000 }, async () => {
    seed = await seedDemoIfEmpty(t.services);
    expect(seed?.boardLink).toMatch(/\/board#[\w-]{40,}$/);

    expect(await counts(`SELECT state::text AS key, count(*)::int AS n FROM qr.tickets GROUP BY 1`)).toEqual({
      // Gus's request from the venue list, and the three tickets the poster gave tonight.
      ISSUED: 4,
      CHECKED_IN: 10,
      RETURNED: 40,
      VOIDED: 1,
      FORGOTTEN: 3,
    });
    const actions = await counts(`SELECT action AS key, count(*)::int AS n FROM qr.scan_events GROUP BY 1`);
    for (const action of ["ISSUE", "SCAN", "CHECK_IN", "CHECK_OUT", "SWAP", "DETACH", "VOID", "FORGET"]) {
      expect(actions[action], action).toBeGreaterThan(0);
    }
    expect(await counts(`SELECT reason AS key, count(*)::int AS n FROM qr.scan_events WHERE reason IS NOT NULL GROUP BY 1`)).toEqual({
      UNKNOWN_CODE: 1,
      WRONG_VENUE: 1,
      ALREADY_RETURNED: 2,
    });
    // Tonight a counter worked offline for a while: its actions synced later, one of them a conflict.
    expect(await counts(`SELECT result AS key, count(*)::int AS n FROM qr.scan_events WHERE taken_offline GROUP BY 1`)).toEqual({
      OK: 4,
      REFUSED: 1,
    });
    expect(await counts(`SELECT status::text AS key, count(*)::int AS n FROM employees.tasks GROUP BY 1`)).toEqual({
      TODO: 2,
      IN_PROGRESS: 1,
      DONE: 1,
      CANCELLED: 1,
    });
    expect(await counts(`SELECT (ended_at IS NULL)::text AS key, count(*)::int AS n FROM employees.shifts GROUP BY 1`)).toEqual({
      // Open: Cleo tonight. Closed: Ben's and Cleo's last night (hers in three: a moment at
      // the other venue's counter between), and Ben's hour tonight on the counter that went offline.
      true: 1,
      false: 5,
    });
    expect(
      await counts(`SELECT payment_status::text AS key, count(*)::int AS n FROM qr.tickets WHERE payment_status <> 'UNPAID' GROUP BY 1`),
    ).toMatchObject({
      PAID_CASH: expect.any(Number),
      PAID_CARD: expect.any(Number),
      PREPAID: expect.any(Number),
    });
    expect(await counts(`SELECT template AS key, count(*)::int AS n FROM auth.notification_outbox GROUP BY 1`)).toEqual({
      "employee-invitation": 4,
      "forgotten-items": 1,
    });
    expect(
      await counts(`SELECT type AS key, count(*)::int AS n FROM auth.audit_events WHERE type LIKE 'SIGN_IN%' GROUP BY 1`),
    ).toMatchObject({ SIGN_IN_FAILED: 1 });
  });

  it("has messages in every state for the admin's Messages section: sent, waiting with a reason, failed for good", async () => {
    const ada = t.client();
    await ada.api.auth.login({ email: "ada@demo.qrcoats.example", password: DEMO_PASSWORD });
    const { items } = await ada.api.messages.list({});
    const shown = items.map((item) => [item.template, item.to, item.status, item.attempts, item.lastError, item.deliveredVia]);
    expect(shown.sort()).toEqual(
      [
        ["employee-invitation", "ben@demo.qrcoats.example", "SENT", 1, null, "demo"],
        ["employee-invitation", "cleo@demo.qrcoats.example", "SENT", 1, null, "demo"],
        [
          "employee-invitation",
          "dev@demo.qrcoats.example",
          "FAILED",
          1,
          "Not delivered before it expired (421 4.2.1 Mailbox busy, try again later).",
          null,
        ],
        ["employee-invitation", "dev@demo.qrcoats.example", "PENDING", 5, "421 4.2.1 Mailbox busy, try again later", null],
        ["forgotten-items", null, "FAILED", 1, "550 5.1.1 Mailbox unavailable", null],
      ].sort(),
    );
    const waiting = items.find((item) => item.status === "PENDING")!;
    // Dev's next attempt is hours away: the panel shows it waiting, and the admin can pass the link on.
    expect(waiting.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(5 * 60 * 60 * 1000);
    expect((await ada.api.employee.invitationLink({ employeeId: waiting.employeeId! })).link).toMatch(/\/accept-invitation\?token=/);
  });

  it("has tonight's closing rush: a pickup request in every state, and fetch times the estimates rest on", async () => {
    const requests = await t.db.sql.query<{
      state: string;
      railPosition: number | null;
      uncollectedTo: string | null;
      ticketState: string;
    }>(
      `SELECT p.state::text AS state, p.rail_position AS "railPosition", p.uncollected_to::text AS "uncollectedTo",
              t.state::text AS "ticketState"
         FROM qr.pickup_requests p JOIN qr.tickets t ON t.id = p.ticket_id
        ORDER BY p.due_at, p.seq`,
    );
    const inState = (state: string) => requests.filter((request) => request.state === state);
    expect(
      Object.fromEntries(
        ["QUEUED", "FETCHING", "READY", "COLLECTED", "CANCELLED", "UNCOLLECTED"].map((state) => [state, inState(state).length]),
      ),
    ).toEqual({ QUEUED: 3, FETCHING: 1, READY: 1, COLLECTED: 1, CANCELLED: 1, UNCOLLECTED: 2 });
    // One uncollected coat was hung back on its slot, the other kept on the rail for its guest.
    expect(inState("UNCOLLECTED").map((request) => [request.uncollectedTo, request.railPosition !== null])).toEqual([
      ["RACK", false],
      ["RAIL", true],
    ]);
    expect(inState("READY")[0]!.railPosition).not.toBeNull();
    // Handed over by the scan: the ticket was checked out with it.
    expect(inState("COLLECTED")[0]!.ticketState).toBe("RETURNED");

    // Cleo's counter and the board by it, through the API: estimates rest on tonight's fetches,
    // one queued coat is due now, one in ten minutes, and one waits beyond the venue's cap of five.
    const velvet = await t.db.prisma.venue.findFirstOrThrow({ where: { name: "Velvet Room" }, select: { id: true } });
    const queue = await firstOf("cleo", (api) => api.pickup.queue({ venueId: velvet.id }));
    expect(queue.rules).toEqual({ enabled: true, queueCap: 5, holdMinutes: 15, uncollected: "RAIL" });
    expect(queue.fetchSamples).toBe(4);
    expect(queue.fetchSeconds).toBe(75);
    const now = t.services.clock();
    const places = queuedPlaces(queue, now);
    const queued = queue.entries.filter((entry) => entry.state === "QUEUED");
    // The seed's "now" was when it started, a little before this test's.
    const dueIn = (entry: { dueAt: Date }) => (entry.dueAt.getTime() - now.getTime()) / 60_000;
    expect(queued.map((entry) => places.get(entry.id)?.inPlace)).toEqual([true, true, false]);
    expect(dueIn(queued[0]!)).toBeLessThanOrEqual(0);
    for (const later of queued.slice(1)) expect(dueIn(later)).toBeGreaterThan(7);
    // Still within its hold when the host starts, so the host's sweep leaves it on the rail.
    const ready = queue.entries.find((entry) => entry.state === "READY")!;
    expect(ready.readyAt!.getTime() + 15 * 60_000).toBeGreaterThan(now.getTime());

    // The printed board link works, and shows numbers only.
    const board = await firstOf(null, (api) => api.pickup.board({ token: new URL(seed!.boardLink).hash.slice(1) }));
    expect(board.venueName).toBe("Velvet Room");
    expect(board.getting).toHaveLength(2);
    // Ready: the coat on the rail, and the one kept there after its hold (it still waits there).
    const kept = queue.entries.find((entry) => entry.state === "UNCOLLECTED" && entry.uncollectedTo === "RAIL")!;
    expect(board.ready).toEqual(
      [ready, kept]
        .map(({ ticketNumber, railPosition }) => ({ ticketNumber, railPosition }))
        .sort((a, b) => a.railPosition! - b.railPosition!),
    );
  });

  it("has tonight's tickets from the poster link: Omar's double tap made one, Gus's is in his account", async () => {
    const linkTickets = await t.db.sql.query<{ id: string; guest: string | null; contact: boolean }>(
      `SELECT t.id, u.email AS guest, t.contact_phone_encrypted IS NOT NULL AS contact
         FROM qr.tickets t LEFT JOIN auth.users u ON u.id = t.guest_id
        WHERE t.guest_device_hash IS NOT NULL ORDER BY t.number`,
    );
    expect(linkTickets.map(({ guest, contact }) => ({ guest, contact }))).toEqual([
      { guest: null, contact: true },
      { guest: null, contact: false },
      { guest: "gus@demo.qrcoats.example", contact: false },
    ]);
    const gus = t.client();
    await gus.api.auth.login({ email: "gus@demo.qrcoats.example", password: DEMO_PASSWORD });
    expect((await gus.api.qr.mine({ limit: 10 })).items.map((ticket) => ticket.id)).toContain(linkTickets[2]!.id);
    const velvet = await t.db.prisma.venue.findFirstOrThrow({ where: { name: "Velvet Room" }, select: { guestLinkId: true } });
    const poster = await t.client().api.venue.byGuestLink({ link: velvet.guestLinkId! });
    expect(poster).toMatchObject({ name: "Velvet Room", priceCents: 300, currency: "EUR" });
    expect(await demoSignIns(t.services, "http://localhost:3000")).toContain(`\n  http://localhost:3000/v/${velvet.guestLinkId}`);
  });

  it("prints sign-ins that work, for the people who can sign in, and the board link when it was just made", async () => {
    const people = (signIns: string) =>
      signIns
        .split("\n")
        .filter((line) => line.startsWith("  ") && line.includes("@"))
        .map((line) => line.trim().split(/\s+/).slice(0, 2));
    const atFirstStart = (await demoSignIns(t.services, "http://localhost:3000", seed))!;
    expect(people(atFirstStart)).toEqual([
      ["admin", "ada@demo.qrcoats.example"],
      ["attendant", "ben@demo.qrcoats.example"],
      ["attendant", "cleo@demo.qrcoats.example"],
      ["guest", "gus@demo.qrcoats.example"],
    ]);
    expect(atFirstStart).toContain(`\n  ${seed!.boardLink}`);
    // Later starts cannot know the secret, and say where to make another link.
    const later = (await demoSignIns(t.services, "http://localhost:3000"))!;
    expect(people(later)).toEqual(people(atFirstStart));
    expect(later).not.toContain("/board#");
    expect(later).toContain("Venues › Velvet Room › Pickup boards");
    const cleo = await t.client().api.auth.login({ email: "cleo@demo.qrcoats.example", password: DEMO_PASSWORD });
    expect(cleo.membership).toMatchObject({ role: "EMPLOYEE", organization: { name: "Demo Nightclub" } });
  });

  it("is made once: a database with people in it is left alone", async () => {
    expect(await seedDemoIfEmpty(t.services)).toBeNull();
    // The admin, Ben, Cleo and Gus: Dev's invitation is open, and makes no account before it is accepted.
    expect(await counts(`SELECT 'users' AS key, count(*)::int AS n FROM auth.users`)).toEqual({ users: 4 });
  });
});
