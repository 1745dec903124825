import type { Prisma, PrismaClient } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";

type Db = PrismaClient | Prisma.TransactionClient;

export type Member = { organizationId: string; role: "ADMIN" | "EMPLOYEE"; employeeId: string };

/**
 * The tenant check for anything addressed by venue: NOT_FOUND when a venue does not exist,
 * FORBIDDEN when it belongs to another organization, so no member ever touches another
 * tenant's venue.
 */
export async function assertVenuesOfOrganization(db: Db, organizationId: string, venueIds: string[]): Promise<void> {
  const unique = [...new Set(venueIds)];
  if (unique.length === 0) return;
  const venues = await db.venue.findMany({ where: { id: { in: unique } }, select: { id: true, organizationId: true } });
  if (venues.length !== unique.length) throw new TRPCError({ code: "NOT_FOUND", message: "No such venue." });
  if (venues.some((venue) => venue.organizationId !== organizationId)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "That venue belongs to another organization." });
  }
}

/**
 * Where a member may work the counter: admins at every venue of their organization,
 * employees at the venues they are assigned to.
 */
export async function assertWorksAtVenue(db: Db, member: Member, venueId: string): Promise<void> {
  await assertVenuesOfOrganization(db, member.organizationId, [venueId]);
  if (member.role === "ADMIN") return;
  const assigned = await db.employeeVenue.findUnique({
    where: { employeeId_venueId: { employeeId: member.employeeId, venueId } },
    select: { venueId: true },
  });
  if (!assigned) throw new TRPCError({ code: "FORBIDDEN", message: "You are not assigned to this venue." });
}
