import { oneRow, prismaRunner, type Prisma, type PrismaClient, type SqlRunner } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import { CounterRefusal } from "../qr/refusal";
import type { Member } from "../venue/access";

/**
 * How far a counter device's clock may be from the server's: an action it took a moment
 * before the clock-in reached the server, or just after the clock-out, still counts as on
 * the shift. An action made online is dated by the server's clock and gets no such margin.
 */
const SHIFT_EDGE_MS = 2 * 60_000;

/**
 * Refused because the attendant is not clocked in at the venue (the counter offers one tap
 * to clock in). A counter refusal like the others: recorded in scan history, and journaled
 * as a conflict for an operation a device sent.
 */
const notOnShift = (venueName: string) =>
  new CounterRefusal("PRECONDITION_FAILED", "NOT_ON_SHIFT", `Clock in at ${venueName} first: counter actions count on your shift.`);

/**
 * The check every counter action asks first, in one statement: the venue is the member's
 * organization's (NOT_FOUND otherwise, as for any id), an employee is assigned to it
 * (FORBIDDEN), and the member was on shift there at `at` — now for an action made online, the
 * moment the attendant took it for one a counter device sends later, so what was done on a
 * shift still counts after the clock-out reached the server. Admins work the counter too, and
 * clock in like everyone: hours on duty and scans per hour rest on it.
 */
export async function assertOnShift(
  db: PrismaClient | Prisma.TransactionClient | SqlRunner,
  member: Member,
  venueId: string,
  at: Date,
  { fromDevice = false }: { fromDevice?: boolean } = {},
): Promise<void> {
  const sql = "query" in db ? db : prismaRunner(db);
  const venues = await sql.query<{ organizationId: string; name: string; assigned: boolean; onShift: boolean }>(
    `SELECT v.organization_id AS "organizationId", v.name,
            EXISTS (SELECT 1 FROM employees.employee_venues ev WHERE ev.venue_id = v.id AND ev.employee_id = $2::uuid) AS assigned,
            EXISTS (SELECT 1 FROM employees.shifts sh
                     WHERE sh.employee_id = $2::uuid AND sh.venue_id = v.id
                       AND sh.started_at <= $3::timestamptz + make_interval(secs => $4)
                       AND (sh.ended_at IS NULL OR sh.ended_at >= $3::timestamptz - make_interval(secs => $4))) AS "onShift"
       FROM qr.venues v WHERE v.id = $1::uuid`,
    [venueId, member.employeeId, at, fromDevice ? SHIFT_EDGE_MS / 1000 : 0],
  );
  const venue = venues[0];
  if (!venue || venue.organizationId !== member.organizationId) throw new TRPCError({ code: "NOT_FOUND", message: "No such venue." });
  if (member.role !== "ADMIN" && !oneRow(venues).assigned) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You are not assigned to this venue." });
  }
  if (!venue.onShift) throw notOnShift(venue.name);
}
