import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@qrcoats/db/testing";
import { browserSession, sharedKeys, startHost, type Answer, type BrowserSession, type RunningHost } from "@qrcoats/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Many attendants working the counter at once, through two hosts sharing one PostgreSQL,
// with valid and invalid operations for a bounded time; then what must hold in the database.
// The second run SIGKILLs one host mid-soak. Needs PostgreSQL: two processes cannot share an
// embedded database.

const PASSWORD = "correct horse battery staple 42";
const ATTENDANTS = 12;
const SOAK_MS = Number(process.env.SOAK_MS ?? 12_000);
const SLOTS = 60;

const COUNTER_ACTIONS = {
  "qr.scan": "SCAN",
  "qr.issueWalkIn": "ISSUE",
  "qr.checkIn": "CHECK_IN",
  "qr.checkOut": "CHECK_OUT",
  "qr.swap": "SWAP",
  "qr.detach": "DETACH",
  "qr.void": "VOID",
} as const;
type CounterPath = keyof typeof COUNTER_ACTIONS;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** What each call did, by ticket and action: answered OK, refused, or unknown (no answer came). */
class Ledger {
  readonly acknowledged = new Map<string, number>();
  readonly unanswered = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  readonly acknowledgedByHost = new Map<string, number>();
  internalErrors: string[] = [];
  /** Walk-in tickets asked for without an answer: a host may have issued them, under ids no one heard. */
  unansweredIssues = 0;

  record(host: string, path: CounterPath, ticketId: string | null, answer: Answer) {
    const key = `${ticketId}:${COUNTER_ACTIONS[path]}`;
    if (!answer.answered) {
      if (!answer.neverSent && ticketId) this.unanswered.set(key, (this.unanswered.get(key) ?? 0) + 1);
      if (!answer.neverSent && path === "qr.issueWalkIn") this.unansweredIssues++;
      return;
    }
    this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500) this.internalErrors.push(`${path} on ${host}: ${answer.status} ${answer.code}`);
    if (answer.data && ticketId) {
      this.acknowledged.set(key, (this.acknowledged.get(key) ?? 0) + 1);
      this.acknowledgedByHost.set(host, (this.acknowledgedByHost.get(host) ?? 0) + 1);
    }
  }

  summary() {
    const acknowledged = [...this.acknowledged.values()].reduce((sum, n) => sum + n, 0);
    const unanswered = [...this.unanswered.values()].reduce((sum, n) => sum + n, 0);
    return `${acknowledged} acknowledged, ${unanswered} unanswered, statuses ${JSON.stringify(Object.fromEntries(this.statuses))}`;
  }

  count(map: Map<string, number>, action: string) {
    return [...map].filter(([key]) => key.endsWith(`:${action}`)).reduce((sum, [, n]) => sum + n, 0);
  }
}

type Counter = {
  venueId: string;
  otherVenueId: string;
  slotIds: string[];
  tickets: { id: string; code: string }[];
  staff: BrowserSession[];
};

/** An organization with a venue of SLOTS hangers, four staff, and ATTENDANTS sessions among them. */
async function openCounter(db: TestDatabase, host: RunningHost, label: string, ledger: Ledger): Promise<Counter> {
  const admin = browserSession(host.url);
  await admin.mutate("auth.register", { email: `soak-admin-${label}@example.com`, name: "Soak Admin", password: PASSWORD });
  await admin.mutate("org.create", { name: `Soak ${label} Ltd` });
  const venue = await admin.mutate("venue.create", {
    name: "Soak Club",
    timezone: "Europe/Berlin",
    opensAt: "00:00",
    closesAt: "23:59",
    inOutAllowance: 50,
  });
  const venueId = venue.id as string;
  await admin.mutate("rack.create", { venueId, name: "Main", slotCount: SLOTS, kind: "HANGER" });
  const emails = [`soak-admin-${label}@example.com`];
  for (let i = 0; i < 3; i++) {
    const email = `soak-attendant-${label}-${i}@example.com`;
    const { employee } = await admin.mutate<{ employee: { id: string } }>("employee.create", {
      email,
      name: `Attendant ${i}`,
      venueIds: [venueId],
    });
    const { link } = await admin.mutate<{ link: string }>("employee.invitationLink", { employeeId: employee.id });
    const token = new URL(link).searchParams.get("token");
    await browserSession(host.url).mutate("employee.acceptInvitation", { token, password: PASSWORD });
    emails.push(email);
  }
  // Another organization's venue: a wrong-tenant target for invalid operations.
  const stranger = browserSession(host.url);
  await stranger.mutate("auth.register", { email: `soak-stranger-${label}@example.com`, name: "Stranger", password: PASSWORD });
  await stranger.mutate("org.create", { name: `Stranger ${label} Ltd` });
  const otherVenue = await stranger.mutate("venue.create", {
    name: "Elsewhere",
    timezone: "Europe/Berlin",
    opensAt: "00:00",
    closesAt: "23:59",
  });

  const staff: BrowserSession[] = [];
  for (let i = 0; i < ATTENDANTS; i++) {
    const session = browserSession(host.url);
    await session.mutate("auth.login", { email: emails[i % emails.length], password: PASSWORD });
    staff.push(session);
  }
  const slots = await db.sql.query<{ id: string }>(`SELECT id FROM qr.slots WHERE venue_id = $1`, [venueId]);
  const tickets = [];
  for (let i = 0; i < 40; i++) {
    const answer = await admin.answer("qr.issueWalkIn", { venueId }, host.url);
    if (!answer.answered || !answer.data) throw new Error(`qr.issueWalkIn failed during set-up: ${JSON.stringify(answer)}`);
    ledger.record(host.url, "qr.issueWalkIn", answer.data.id as string, answer);
    tickets.push({ id: answer.data.id as string, code: answer.data.code as string });
  }
  return { venueId, otherVenueId: otherVenue.id as string, slotIds: slots.map((s) => s.id), tickets, staff };
}

/** One attendant: random valid and invalid counter operations on random hosts until the deadline. */
async function attend(person: BrowserSession, counter: Counter, hosts: () => RunningHost[], ledger: Ledger, until: number) {
  while (Date.now() < until) {
    const host = pick(hosts());
    const ticket = pick(counter.tickets);
    const venueId = counter.venueId;
    const roll = Math.random();
    let path: CounterPath;
    let input: Record<string, unknown>;
    let ticketId: string | null = ticket.id;
    if (roll < 0.12) [path, input] = ["qr.scan", { venueId, code: ticket.code }];
    else if (roll < 0.2) [path, input, ticketId] = ["qr.issueWalkIn", { venueId }, null];
    else if (roll < 0.42) [path, input] = ["qr.checkIn", { venueId, code: ticket.code }];
    else if (roll < 0.57) [path, input] = ["qr.checkOut", { venueId, code: ticket.code }];
    else if (roll < 0.67) [path, input] = ["qr.swap", { venueId, code: ticket.code, toSlotId: pick(counter.slotIds) }];
    else if (roll < 0.77) [path, input] = ["qr.detach", { venueId, code: ticket.code }];
    else if (roll < 0.8) [path, input] = ["qr.void", { venueId, ticketId: ticket.id, reason: "soak" }];
    // Invalid: a code that is no ticket, another tenant's venue, a malformed slot id.
    else if (roll < 0.87) [path, input, ticketId] = ["qr.scan", { venueId, code: `forged-${Math.random()}` }, null];
    else if (roll < 0.93) [path, input] = ["qr.checkIn", { venueId: counter.otherVenueId, code: ticket.code }];
    else [path, input] = ["qr.swap", { venueId, code: ticket.code, toSlotId: "not-a-slot" }];

    const answer = await person.answer(path, input, host.url);
    if (path === "qr.issueWalkIn" && answer.answered && answer.data) {
      ticketId = answer.data.id as string;
      counter.tickets.push({ id: ticketId, code: answer.data.code as string });
    }
    ledger.record(host.url, path, ticketId, answer);
  }
}

/** Everything that must hold in the database after a soak, as lists of violations (empty when it holds). */
async function violations(db: TestDatabase, venueId: string) {
  const q = (sql: string) => db.sql.query<Record<string, unknown>>(sql, [venueId]);
  return {
    slotsHoldingTwoTickets: await q(
      `SELECT slot_id, count(*)::int AS tickets FROM qr.tickets WHERE venue_id = $1 AND slot_id IS NOT NULL GROUP BY slot_id HAVING count(*) > 1`,
    ),
    checkedInWithoutSlotOrSlotWithoutCheckIn: await q(
      `SELECT id, state, slot_id FROM qr.tickets WHERE venue_id = $1 AND (state = 'CHECKED_IN') <> (slot_id IS NOT NULL)`,
    ),
    // The last successful state-changing event says where the ticket is; the row must agree.
    ticketsDisagreeingWithTheirLastEvent: await q(
      `SELECT t.id, t.state, t.slot_id, e.action, e.to_state, e.slot_id AS event_slot, e.to_slot_id
         FROM qr.tickets t
         JOIN LATERAL (
           SELECT action, to_state, slot_id, to_slot_id FROM qr.scan_events
            WHERE ticket_id = t.id AND result = 'OK' AND action IN ('ISSUE', 'CHECK_IN', 'CHECK_OUT', 'SWAP', 'DETACH', 'VOID')
            ORDER BY id DESC LIMIT 1
         ) e ON true
        WHERE t.venue_id = $1
          AND (t.state IS DISTINCT FROM e.to_state
            OR t.slot_id IS DISTINCT FROM CASE e.action WHEN 'CHECK_IN' THEN e.slot_id WHEN 'SWAP' THEN e.to_slot_id END)`,
    ),
    ticketsWithoutTheirIssue: await q(
      `SELECT id FROM qr.tickets t WHERE venue_id = $1
          AND (SELECT count(*) FROM qr.scan_events e WHERE e.ticket_id = t.id AND e.action = 'ISSUE' AND e.result = 'OK') <> 1`,
    ),
    duplicateTicketNumbers: await q(`SELECT number FROM qr.tickets WHERE venue_id = $1 GROUP BY number HAVING count(*) > 1`),
  };
}

/** Successful events in the database by ticket and action, as the ledger keys them. */
async function storedOperations(db: TestDatabase, venueId: string): Promise<Map<string, number>> {
  const rows = await db.sql.query<{ key: string; n: number }>(
    `SELECT ticket_id || ':' || action AS key, count(*)::int AS n FROM qr.scan_events
      WHERE venue_id = $1 AND result = 'OK' AND ticket_id IS NOT NULL GROUP BY 1`,
    [venueId],
  );
  return new Map(rows.map(({ key, n }) => [key, n]));
}

/**
 * Each operation that was answered OK is stored exactly once; one that got no answer (its
 * host died under it) may be stored once or not at all, never twice; nothing else is stored.
 */
function unaccountedOperations(ledger: Ledger, stored: Map<string, number>): string[] {
  const problems: string[] = [];
  const issuesNoOneHeardOf: string[] = [];
  for (const key of new Set([...stored.keys(), ...ledger.acknowledged.keys()])) {
    const inDatabase = stored.get(key) ?? 0;
    const acknowledged = ledger.acknowledged.get(key) ?? 0;
    const maybe = ledger.unanswered.get(key) ?? 0;
    if (key.endsWith(":ISSUE") && inDatabase === 1 && acknowledged === 0 && maybe === 0) {
      issuesNoOneHeardOf.push(key);
    } else if (inDatabase < acknowledged || inDatabase > acknowledged + maybe) {
      problems.push(`${key}: acknowledged ${acknowledged}, unanswered ${maybe}, stored ${inDatabase}`);
    }
  }
  // A ticket issued by a host killed before it answered: allowed once per unanswered request.
  if (issuesNoOneHeardOf.length > ledger.unansweredIssues) {
    problems.push(
      `${issuesNoOneHeardOf.length} tickets issued that no answer or unanswered request accounts for (${ledger.unansweredIssues} unanswered)`,
    );
  }
  return problems;
}

const NO_VIOLATIONS = {
  slotsHoldingTwoTickets: [],
  checkedInWithoutSlotOrSlotWithoutCheckIn: [],
  ticketsDisagreeingWithTheirLastEvent: [],
  ticketsWithoutTheirIssue: [],
  duplicateTicketNumbers: [],
};

describe.skipIf(!testDatabaseUrl())("the counter under load on two hosts (needs PostgreSQL: set TEST_DATABASE_URL to run)", () => {
  let db: TestDatabase;
  let keys: Record<string, string>;
  let a: RunningHost;
  let b: RunningHost;
  beforeAll(async () => {
    db = await createTestDatabase();
    keys = sharedKeys().env;
    [a, b] = await Promise.all([startHost(keys, { databaseUrl: db.url }), startHost(keys, { databaseUrl: db.url })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.close();
  });

  it("keeps every slot to one ticket, every ticket in step with its history, and every acknowledged operation stored once", async () => {
    const ledger = new Ledger();
    const counter = await openCounter(db, a, "steady", ledger);
    const until = Date.now() + SOAK_MS;
    await Promise.all(counter.staff.map((person) => attend(person, counter, () => [a, b], ledger, until)));

    expect(ledger.internalErrors).toEqual([]);
    // The soak really worked the counter, on both hosts, and really hit refusals.
    // Floors low enough for a busy 2-core machine; a healthy run does several times this.
    expect(ledger.count(ledger.acknowledged, "CHECK_IN"), ledger.summary()).toBeGreaterThan(20);
    expect(ledger.count(ledger.acknowledged, "CHECK_OUT"), ledger.summary()).toBeGreaterThan(5);
    expect(ledger.count(ledger.acknowledged, "SWAP"), ledger.summary()).toBeGreaterThan(2);
    expect(ledger.acknowledgedByHost.get(a.url), ledger.summary()).toBeGreaterThan(20);
    expect(ledger.acknowledgedByHost.get(b.url), ledger.summary()).toBeGreaterThan(20);
    expect(ledger.statuses.get(409)).toBeGreaterThan(0);
    // Another tenant's venue is answered as an unknown one: 404, like a forged code.
    expect(ledger.statuses.get(404)).toBeGreaterThan(0);
    expect(ledger.statuses.get(400)).toBeGreaterThan(0);

    expect(await violations(db, counter.venueId)).toEqual(NO_VIOLATIONS);
    expect(unaccountedOperations(ledger, await storedOperations(db, counter.venueId))).toEqual([]);
  }, 120_000);

  it("loses nothing a host acknowledged when it is SIGKILLed mid-soak, and that host restarts cleanly", async () => {
    const ledger = new Ledger();
    const counter = await openCounter(db, a, "crash", ledger);
    let alive = [a, b];
    const until = Date.now() + SOAK_MS;
    const work = Promise.all(counter.staff.map((person) => attend(person, counter, () => alive, ledger, until)));
    await new Promise((resolve) => setTimeout(resolve, SOAK_MS / 2));
    const acknowledgedByBBeforeKill = ledger.acknowledgedByHost.get(b.url) ?? 0;
    await b.kill();
    alive = [a];
    await work;

    expect(b.output()).not.toMatch(/"msg":"stopped"/);
    expect(acknowledgedByBBeforeKill, ledger.summary()).toBeGreaterThan(20);
    expect(ledger.internalErrors).toEqual([]);
    expect(await violations(db, counter.venueId)).toEqual(NO_VIOLATIONS);
    expect(unaccountedOperations(ledger, await storedOperations(db, counter.venueId))).toEqual([]);

    // The killed host comes back on the same database: nothing to migrate, healthy, working.
    b = await startHost(keys, { databaseUrl: db.url });
    expect(b.output()).not.toMatch(/migration applied/);
    const health = (await (await fetch(`${b.url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe("ok");
    const attendant = counter.staff[1]!;
    const ticket = await attendant.mutate("qr.issueWalkIn", { venueId: counter.venueId }, b.url);
    const checkedOut = await attendant.answer("qr.checkOut", { venueId: counter.venueId, code: ticket.code }, b.url);
    expect(checkedOut).toMatchObject({ answered: true, code: "CONFLICT" });
    expect(await violations(db, counter.venueId)).toEqual(NO_VIOLATIONS);
  }, 120_000);

  it("would notice: a ticket changed behind its history's back, or two on one slot, is reported", async () => {
    const ledger = new Ledger();
    const counter = await openCounter(db, a, "tampered", ledger);
    const [first, second] = counter.tickets;
    const attendant = counter.staff[0]!;
    await attendant.mutate("qr.checkIn", { venueId: counter.venueId, code: first!.code }, a.url);
    await db.sql.query(`UPDATE qr.tickets SET state = 'RETURNED', slot_id = NULL WHERE id = $1`, [first!.id]);
    // The unique index forbids two tickets on a slot; without it, the check must still see it.
    await db.sql.query(`DROP INDEX qr.tickets_slot_id_key`);
    try {
      const [slot] = await db.sql.query<{ id: string }>(`SELECT id FROM qr.slots WHERE venue_id = $1 LIMIT 1`, [counter.venueId]);
      await db.sql.query(`UPDATE qr.tickets SET state = 'CHECKED_IN', slot_id = $2 WHERE id = ANY($1::uuid[])`, [
        [second!.id, counter.tickets[2]!.id],
        slot!.id,
      ]);
      const found = await violations(db, counter.venueId);
      expect(found.ticketsDisagreeingWithTheirLastEvent.map((row) => row.id)).toEqual(expect.arrayContaining([first!.id, second!.id]));
      expect(found.slotsHoldingTwoTickets).toHaveLength(1);
      expect(unaccountedOperations(ledger, await storedOperations(db, counter.venueId))).toEqual([
        `${first!.id}:CHECK_IN: acknowledged 0, unanswered 0, stored 1`,
      ]);
      // A ticket issued that no request accounts for; one unanswered request would have.
      const orphan = new Map([["00000000-0000-4000-8000-000000000000:ISSUE", 1]]);
      expect(unaccountedOperations(new Ledger(), orphan)).toEqual([
        "1 tickets issued that no answer or unanswered request accounts for (0 unanswered)",
      ]);
      const afterACrash = new Ledger();
      afterACrash.unansweredIssues = 1;
      expect(unaccountedOperations(afterACrash, orphan)).toEqual([]);
    } finally {
      await db.sql.query(`UPDATE qr.tickets SET state = 'VOIDED', slot_id = NULL WHERE venue_id = $1`, [counter.venueId]);
      await db.sql.query(`CREATE UNIQUE INDEX tickets_slot_id_key ON qr.tickets (slot_id)`);
    }
  }, 120_000);
});
