import type { SqlRunner } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { isUniqueViolation, ReasonedRefusal, tooManyRequests } from "../lib/errors";
import type { DeviceContext } from "../qr/counter";
import type { RefusalReason } from "../qr/scan-events";
import { verifiedPublicId } from "../qr/tickets";
import { CounterRefusal } from "../qr/refusal";
import { assertOnShift } from "../shift/on-shift";
import type { Member } from "../venue/access";
import { readVenueQueue } from "./queue";
import { guestPickupOf, type GuestPickup, type PickupDelay, type PickupState } from "./rules";

// Pickup requests (docs/pickup.md): a guest (or an attendant, for a paper ticket) asks for a
// checked-in coat; attendants fetch it to the ready rail; the hand-over is the ticket's
// check-out at the counter, which closes the request in the same transaction. Every change is
// one conditional UPDATE under the ticket's or the request's row lock, so a retried or
// doubled action leaves one result.

type PickupDeps = Pick<Deps, "db" | "config" | "clock">;

/** A guest asking more often than this for one ticket in a night is asked to stop. */
const MAX_REQUESTS_PER_TICKET = 6;
const NIGHT_MS = 12 * 3_600_000;

/** A refusal clients act on by its reason (`data.reason`), as the counter's are. */
export class PickupRefusal extends TRPCError {
  constructor(
    code: "NOT_FOUND" | "CONFLICT",
    readonly reason: RefusalReason,
    message: string,
  ) {
    super({ code, message, cause: new ReasonedRefusal(reason, message) });
  }
}

type RequestRow = {
  id: string;
  ticketId: string;
  venueId: string;
  state: PickupState;
  requestedAt: Date;
  dueAt: Date;
  fetchingAt: Date | null;
  readyAt: Date | null;
  railPosition: number | null;
  uncollectedTo: "RACK" | "RAIL" | null;
  collectedAt: Date | null;
  cancelledAt: Date | null;
};

const REQUEST_COLUMNS = `p.id, p.ticket_id AS "ticketId", p.venue_id AS "venueId", p.state::text AS state,
  p.requested_at AS "requestedAt", p.due_at AS "dueAt", p.fetching_at AS "fetchingAt", p.ready_at AS "readyAt",
  p.rail_position AS "railPosition", p.uncollected_to::text AS "uncollectedTo", p.collected_at AS "collectedAt",
  p.cancelled_at AS "cancelledAt"`;

/** A ticket's latest request, or null. */
export async function latestRequest(sql: SqlRunner, ticketId: string): Promise<RequestRow | null> {
  const [row] = await sql.query<RequestRow>(
    `SELECT ${REQUEST_COLUMNS} FROM qr.pickup_requests p WHERE p.ticket_id = $1::uuid ORDER BY p.seq DESC LIMIT 1`,
    [ticketId],
  );
  return row ?? null;
}

/** The guest's view of a request, placed in its venue's queue when it is still queued. */
export async function guestView(sql: SqlRunner, row: RequestRow, now: Date): Promise<GuestPickup> {
  const open = row.state === "QUEUED" || row.state === "FETCHING" || row.state === "READY";
  const queue = open ? await readVenueQueue(sql, row.venueId, now) : null;
  const { ticketId: _, venueId: __, ...request } = row;
  return guestPickupOf(request, queue, now);
}

/** What a ticket's page shows of pickup: whether it may ask, and its latest request. */
export async function ticketPickup(
  sql: SqlRunner,
  ticket: { id: string; state: string; venueId: string },
  now: Date,
): Promise<{ offered: boolean; request: GuestPickup | null }> {
  const [venue] = await sql.query<{ enabled: boolean }>(`SELECT pickup_enabled AS enabled FROM qr.venues WHERE id = $1::uuid`, [
    ticket.venueId,
  ]);
  const latest = await latestRequest(sql, ticket.id);
  return { offered: Boolean(venue?.enabled) && ticket.state === "CHECKED_IN", request: latest ? await guestView(sql, latest, now) : null };
}

type LockedTicket = { id: string; organizationId: string; venueId: string; number: number; state: string; enabled: boolean };

async function lockTicket(sql: SqlRunner, where: { publicId: string } | { venueId: string; number: number }) {
  const [ticket] = await sql.query<LockedTicket>(
    `SELECT t.id, t.organization_id AS "organizationId", t.venue_id AS "venueId", t.number, t.state::text AS state,
            v.pickup_enabled AS enabled
       FROM qr.tickets t JOIN qr.venues v ON v.id = t.venue_id
      WHERE ${"publicId" in where ? "t.public_id = $1" : "t.venue_id = $1::uuid AND t.number = $2"}
        FOR UPDATE OF t`,
    "publicId" in where ? [where.publicId] : [where.venueId, where.number],
  );
  return ticket ?? null;
}

type NewRequest = {
  requestId: string;
  delayMinutes: PickupDelay;
  requestedBy: "GUEST" | "COUNTER";
  requestedById: string | null;
};

/**
 * Puts a checked-in ticket's coat in the queue. The same request id, or a second request
 * while one is open, answers with the open one; a coat kept on the rail after its hold is
 * ready again at once.
 */
async function enqueue(sql: SqlRunner, ticket: LockedTicket, request: NewRequest, now: Date): Promise<RequestRow> {
  const [same] = await sql.query<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM qr.pickup_requests p WHERE p.id = $1::uuid`, [
    request.requestId,
  ]);
  if (same) {
    if (same.ticketId !== ticket.id) throw new TRPCError({ code: "CONFLICT", message: "This request id was used for another ticket." });
    return same;
  }
  const latest = await latestRequest(sql, ticket.id);
  if (latest && (latest.state === "QUEUED" || latest.state === "FETCHING" || latest.state === "READY")) return latest;
  if (ticket.state !== "CHECKED_IN") {
    throw new PickupRefusal("CONFLICT", "NOT_CHECKED_IN", "There is no coat checked in on this ticket to get ready.");
  }
  if (!ticket.enabled) throw new PickupRefusal("CONFLICT", "PICKUP_OFF", "This venue does not take pickup requests: come to the counter.");
  if (latest?.state === "UNCOLLECTED" && latest.uncollectedTo === "RAIL" && latest.railPosition !== null) {
    // Kept on the rail: it is ready now, and its hold starts again. (A coat sent back to the
    // rack may already hang on its slot, so it is asked for anew.)
    const [ready] = await sql.query<RequestRow>(
      `UPDATE qr.pickup_requests p SET state = 'READY', ready_at = $2, uncollected_at = NULL, uncollected_to = NULL, updated_at = $2
        WHERE p.id = $1::uuid RETURNING ${REQUEST_COLUMNS}`,
      [latest.id, now],
    );
    return ready!;
  }
  const [asked] = await sql.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM qr.pickup_requests WHERE ticket_id = $1::uuid AND requested_at > $2`,
    [ticket.id, new Date(now.getTime() - NIGHT_MS)],
  );
  if (asked!.count >= MAX_REQUESTS_PER_TICKET) {
    throw tooManyRequests("This ticket has asked for its coat many times tonight: come to the counter.", 15 * 60);
  }
  const [created] = await sql.query<RequestRow>(
    `INSERT INTO qr.pickup_requests AS p (id, organization_id, venue_id, ticket_id, ticket_number, requested_by, requested_by_id,
                                          requested_at, due_at, updated_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7::uuid, $8, $9, $8)
     RETURNING ${REQUEST_COLUMNS}`,
    [
      request.requestId,
      ticket.organizationId,
      ticket.venueId,
      ticket.id,
      ticket.number,
      request.requestedBy,
      request.requestedById,
      now,
      new Date(now.getTime() + request.delayMinutes * 60_000),
    ],
  );
  return created!;
}

/** Runs a write, answering a lost race on the one-open-request index with the winner's request. */
async function once<T>(deps: PickupDeps, work: (sql: SqlRunner) => Promise<T>): Promise<T> {
  try {
    return await deps.db.transaction(work);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return deps.db.transaction(work);
  }
}

/** A guest holding the ticket's code asks for the coat: now, or in 5 or 10 minutes. */
export async function requestPickup(deps: PickupDeps, input: { code: string; requestId: string; delayMinutes: PickupDelay }) {
  const publicId = verifiedPublicId(deps.config, input.code);
  return once(deps, async (sql) => {
    const now = deps.clock();
    const ticket = await lockTicket(sql, { publicId });
    if (!ticket) {
      // A walk-in ticket handed out offline is not a row until its counter syncs; its coat
      // cannot be checked in before that either.
      throw new PickupRefusal("CONFLICT", "NOT_CHECKED_IN", "There is no coat checked in on this ticket to get ready.");
    }
    const row = await enqueue(sql, ticket, { ...input, requestedBy: "GUEST", requestedById: null }, now);
    return guestView(sql, row, now);
  });
}

/** The guest calls it off, before the coat is on the rail. Calling off twice is fine. */
export async function cancelPickup(deps: PickupDeps, input: { code: string }) {
  const publicId = verifiedPublicId(deps.config, input.code);
  return deps.db.transaction(async (sql) => {
    const now = deps.clock();
    const ticket = await lockTicket(sql, { publicId });
    const latest = ticket && (await latestRequest(sql, ticket.id));
    if (!latest) throw new PickupRefusal("NOT_FOUND", "NO_PICKUP_REQUEST", "This ticket has not asked for its coat.");
    if (latest.state === "READY") {
      throw new PickupRefusal(
        "CONFLICT",
        "PICKUP_READY",
        `Your coat is already on the rail${latest.railPosition ? ` at ${latest.railPosition}` : ""}: collect it at the counter.`,
      );
    }
    if (latest.state !== "QUEUED" && latest.state !== "FETCHING") return guestView(sql, latest, now);
    const row = await closeRequest(sql, latest.id, "CANCELLED", now, { cancelledBy: "GUEST" });
    return guestView(sql, row, now);
  });
}

async function closeRequest(
  sql: SqlRunner,
  requestId: string,
  state: "CANCELLED" | "COLLECTED",
  now: Date,
  { cancelledBy }: { cancelledBy?: "GUEST" | "COUNTER" | "VOID" } = {},
) {
  const [row] = await sql.query<RequestRow>(
    `UPDATE qr.pickup_requests p
        SET state = $2::qr."PickupState", rail_position = NULL, updated_at = $3,
            ${state === "CANCELLED" ? "cancelled_at = $3, cancelled_by = $4" : "collected_at = $3"}
      WHERE p.id = $1::uuid RETURNING ${REQUEST_COLUMNS}`,
    state === "CANCELLED" ? [requestId, state, now, cancelledBy] : [requestId, state, now],
  );
  return row!;
}

/**
 * The counter's part in a ticket's check-out, in & out or void (inside that transaction, under
 * the ticket's lock, with the request the counter read with the ticket): the coat was handed
 * over, so its request is collected wherever it was; a voided ticket's request is called off.
 */
export async function closePickupOnCounterAction(sql: SqlRunner, requestId: string, how: "COLLECT" | "VOID", now: Date) {
  if (how === "VOID") await closeRequest(sql, requestId, "CANCELLED", now, { cancelledBy: "VOID" });
  else await closeRequest(sql, requestId, "COLLECTED", now);
}

/** An attendant puts a walk-in's coat in the queue from the number on their paper ticket. */
export async function requestAtCounter(
  deps: PickupDeps,
  member: Member,
  input: { venueId: string; ticketNumber: number; requestId: string; delayMinutes: PickupDelay },
) {
  await assertOnShift(deps.db.sql, member, input.venueId, deps.clock());
  return once(deps, async (sql) => {
    const now = deps.clock();
    const ticket = await lockTicket(sql, { venueId: input.venueId, number: input.ticketNumber });
    if (!ticket) throw new PickupRefusal("NOT_FOUND", "UNKNOWN_CODE", `There is no ticket ${input.ticketNumber} at this venue.`);
    const row = await enqueue(sql, ticket, { ...input, requestedBy: "COUNTER", requestedById: member.employeeId }, now);
    return guestView(sql, row, now);
  });
}

type StaffRequest = RequestRow & { ticketNumber: number; ticketState: string };

/** A request of the venue, locked, for an attendant's action on it. */
async function lockStaffRequest(sql: SqlRunner, venueId: string, ref: { requestId: string } | { publicId: string }) {
  const [row] = await sql.query<StaffRequest>(
    `SELECT ${REQUEST_COLUMNS}, p.ticket_number AS "ticketNumber", t.state::text AS "ticketState"
       FROM qr.pickup_requests p JOIN qr.tickets t ON t.id = p.ticket_id
      WHERE p.venue_id = $1::uuid AND ${"requestId" in ref ? "p.id = $2::uuid" : "t.public_id = $2 AND (p.state IN ('QUEUED', 'FETCHING', 'READY') OR p.rail_position IS NOT NULL)"}
      ORDER BY p.seq DESC LIMIT 1
        FOR UPDATE OF p`,
    [venueId, "requestId" in ref ? ref.requestId : ref.publicId],
  );
  if (!row) throw new PickupRefusal("NOT_FOUND", "NO_PICKUP_REQUEST", "There is no such pickup request at this venue.");
  return row;
}

function stillOpen(row: StaffRequest) {
  if (row.state === "CANCELLED") throw new PickupRefusal("CONFLICT", "PICKUP_CLOSED", `Ticket ${row.ticketNumber} called off its request.`);
  if (row.state === "COLLECTED") throw new PickupRefusal("CONFLICT", "PICKUP_CLOSED", `Ticket ${row.ticketNumber}'s coat was handed over.`);
  // Not collected in time and hung back on its slot: a late "fetched" from a screen that had
  // not caught up must not put it back on the rail (its guest asks again if they still want it).
  if (row.state === "UNCOLLECTED" && row.railPosition === null) {
    throw new PickupRefusal("CONFLICT", "PICKUP_CLOSED", `Ticket ${row.ticketNumber}'s coat was not collected and went back to its slot.`);
  }
}

export type StaffPickupRef = { requestId: string } | { publicId: string };

export type StaffPickupResult = { id: string; ticketId: string; ticketNumber: number; state: PickupState; railPosition: number | null };

const staffResult = (row: StaffRequest | RequestRow, ticketNumber: number): StaffPickupResult => ({
  id: row.id,
  ticketId: row.ticketId,
  ticketNumber,
  state: row.state,
  railPosition: row.railPosition,
});

/** Runs an attendant's pickup action; from a device, its journal commits with it (docs/offline.md). */
async function atQueue(
  deps: PickupDeps,
  member: Member,
  venueId: string,
  work: (sql: SqlRunner, now: Date) => Promise<StaffPickupResult>,
  device?: DeviceContext,
): Promise<StaffPickupResult> {
  try {
    await assertOnShift(deps.db.sql, member, venueId, deps.clock(), { fromDevice: device !== undefined });
    return await deps.db.transaction(async (sql) => {
      const result = await work(sql, deps.clock());
      await device?.journal(sql, { status: "APPLIED", ticketId: result.ticketId });
      return result;
    });
  } catch (error) {
    if (device && (error instanceof PickupRefusal || error instanceof CounterRefusal)) {
      await deps.db.transaction((sql) =>
        device.journal(sql, { status: "CONFLICT", ticketId: null, reason: error.reason, message: error.message }),
      );
    }
    throw error;
  }
}

/** An attendant sets off for the rack with this coat in mind: the guest sees "being fetched". */
export function startFetching(deps: PickupDeps, member: Member, input: { venueId: string; ref: StaffPickupRef }, device?: DeviceContext) {
  return atQueue(
    deps,
    member,
    input.venueId,
    async (sql, now) => {
      const row = await lockStaffRequest(sql, input.venueId, input.ref);
      stillOpen(row);
      if (row.state !== "QUEUED") return staffResult(row, row.ticketNumber);
      const [started] = await sql.query<RequestRow>(
        `UPDATE qr.pickup_requests p SET state = 'FETCHING', fetching_at = $2, fetching_by_id = $3::uuid, updated_at = $2
          WHERE p.id = $1::uuid RETURNING ${REQUEST_COLUMNS}`,
        [row.id, now, member.employeeId],
      );
      return staffResult(started!, row.ticketNumber);
    },
    device,
  );
}

/**
 * The coat is on the ready rail, at the lowest free place: the guest's page and the board
 * say "ready". Saying so twice keeps the first place. A coat fetched without "start" has no
 * measured fetch time (it would count as an instant fetch and make every estimate too short).
 */
export function markFetched(deps: PickupDeps, member: Member, input: { venueId: string; ref: StaffPickupRef }, device?: DeviceContext) {
  return atQueue(
    deps,
    member,
    input.venueId,
    async (sql, now) => {
      const row = await lockStaffRequest(sql, input.venueId, input.ref);
      stillOpen(row);
      if (row.state === "READY" || row.railPosition !== null) return staffResult(row, row.ticketNumber);
      if (row.ticketState !== "CHECKED_IN") {
        throw new PickupRefusal("CONFLICT", "NOT_CHECKED_IN", `Ticket ${row.ticketNumber} has no coat on the racks.`);
      }
      // Places are taken under the venue's row lock, so two fetches at once get two places.
      await sql.query(`SELECT 1 FROM qr.venues WHERE id = $1::uuid FOR UPDATE`, [input.venueId]);
      const [ready] = await sql.query<RequestRow>(
        `UPDATE qr.pickup_requests p
            SET state = 'READY', ready_at = $2, ready_by_id = $3::uuid, updated_at = $2,
                rail_position = (SELECT min(n) FROM generate_series(1, (SELECT count(*)::int + 1 FROM qr.pickup_requests o
                                                                          WHERE o.venue_id = $4::uuid AND o.rail_position IS NOT NULL)) n
                                  WHERE NOT EXISTS (SELECT 1 FROM qr.pickup_requests o
                                                     WHERE o.venue_id = $4::uuid AND o.rail_position = n))
          WHERE p.id = $1::uuid RETURNING ${REQUEST_COLUMNS}`,
        [row.id, now, member.employeeId, input.venueId],
      );
      return staffResult(ready!, row.ticketNumber);
    },
    device,
  );
}

/** An attendant calls off a request that is not on the rail yet (the guest came to the counter, changed their mind). */
export function cancelAtCounter(deps: PickupDeps, member: Member, input: { venueId: string; requestId: string }) {
  return atQueue(deps, member, input.venueId, async (sql, now) => {
    const row = await lockStaffRequest(sql, input.venueId, { requestId: input.requestId });
    if (row.state === "CANCELLED" || row.state === "COLLECTED") return staffResult(row, row.ticketNumber);
    if (row.railPosition !== null) {
      throw new PickupRefusal("CONFLICT", "PICKUP_READY", `Ticket ${row.ticketNumber}'s coat is on the rail: put it back instead.`);
    }
    return staffResult(await closeRequest(sql, row.id, "CANCELLED", now, { cancelledBy: "COUNTER" }), row.ticketNumber);
  });
}

/** A coat taken off the rail and hung back on its slot: its place on the rail is free. */
export function putBack(deps: PickupDeps, member: Member, input: { venueId: string; requestId: string }) {
  return atQueue(deps, member, input.venueId, async (sql, now) => {
    const row = await lockStaffRequest(sql, input.venueId, { requestId: input.requestId });
    if (row.railPosition === null) return staffResult(row, row.ticketNumber);
    const [back] = await sql.query<RequestRow>(
      `UPDATE qr.pickup_requests p
          SET rail_position = NULL, updated_at = $2,
              state = CASE WHEN p.state = 'READY' THEN 'UNCOLLECTED'::qr."PickupState" ELSE p.state END,
              uncollected_at = coalesce(p.uncollected_at, $2), uncollected_to = 'RACK'
        WHERE p.id = $1::uuid RETURNING ${REQUEST_COLUMNS}`,
      [row.id, now],
    );
    return staffResult(back!, row.ticketNumber);
  });
}

/**
 * The host's job: coats on the rail past their venue's hold become uncollected — back to the
 * rack, or kept on the rail, as the venue chose (a coat going back keeps its rail place until
 * an attendant says it is back); requests whose ticket was closed another way are closed.
 */
export async function sweepPickups({ db, clock }: Pick<Deps, "db" | "clock">) {
  const now = clock();
  const uncollected = await db.sql.query(
    `UPDATE qr.pickup_requests p
        SET state = 'UNCOLLECTED', uncollected_at = $1, uncollected_to = v.pickup_uncollected, updated_at = $1
       FROM qr.venues v
      WHERE v.id = p.venue_id AND p.state = 'READY' AND p.ready_at + make_interval(mins => v.pickup_hold_minutes) < $1
     RETURNING p.id`,
    [now],
  );
  const orphaned = await db.sql.query(
    `UPDATE qr.pickup_requests p SET state = 'CANCELLED', cancelled_at = $1, cancelled_by = 'COUNTER', rail_position = NULL, updated_at = $1
       FROM qr.tickets t
      WHERE t.id = p.ticket_id AND p.state IN ('QUEUED', 'FETCHING') AND t.state <> 'CHECKED_IN'
     RETURNING p.id`,
    [now],
  );
  return { uncollected: uncollected.length, closed: orphaned.length };
}
