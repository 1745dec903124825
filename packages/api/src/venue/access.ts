import { oneRow, prismaRunner, type Prisma, type PrismaClient, type SqlRunner } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";

type Db = PrismaClient | Prisma.TransactionClient;

export type Member = { organizationId: string; role: "ADMIN" | "EMPLOYEE"; employeeId: string };

/**
 * The tenant check for anything addressed by venue: NOT_FOUND when a venue does not exist
 * or belongs to another organization, alike, so no member ever touches another tenant's
 * venue nor learns which ids are one.
 */
export async function assertVenuesOfOrganization(db: Db, organizationId: string, venueIds: string[]): Promise<void> {
  const unique = [...new Set(venueIds)];
  if (unique.length === 0) return;
  const venues = await prismaRunner(db).query<{ organizationId: string }>(
    `SELECT organization_id AS "organizationId" FROM qr.venues WHERE id = ANY($1::uuid[])`,
    [unique],
  );
  assertOwned(venues, unique.length, organizationId);
}

function assertOwned(venues: { organizationId: string }[], expected: number, organizationId: string) {
  if (venues.length !== expected || venues.some((venue) => venue.organizationId !== organizationId)) {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such venue." });
  }
}

/**
 * Where a member may work the counter: admins at every venue of their organization,
 * employees at the venues they are assigned to.
 */
export async function assertWorksAtVenue(db: Db | SqlRunner, member: Member, venueId: string): Promise<void> {
  // One statement: every counter action asks this first (over raw SQL there).
  const sql = "query" in db ? db : prismaRunner(db);
  const venues = await sql.query<{ organizationId: string; assigned: boolean }>(
    `SELECT v.organization_id AS "organizationId",
            EXISTS (SELECT 1 FROM employees.employee_venues ev WHERE ev.venue_id = v.id AND ev.employee_id = $2::uuid) AS assigned
       FROM qr.venues v WHERE v.id = $1::uuid`,
    [venueId, member.employeeId],
  );
  assertOwned(venues, 1, member.organizationId);
  if (member.role !== "ADMIN" && !oneRow(venues).assigned) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You are not assigned to this venue." });
  }
}
