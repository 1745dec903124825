import { prismaRunner, type Prisma, type PrismaClient } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Member } from "../venue/access";

type Db = PrismaClient | Prisma.TransactionClient;

/** The signed-in member acting: who they are in their organization, and as which user. */
export type Actor = Member & { userId: string };

/**
 * The tenant check for anything addressed by employee: NOT_FOUND when there is no such
 * employee or they belong to another organization, alike, so ids are never confirmed.
 */
export async function assertEmployeeOfOrganization(db: Db, organizationId: string, employeeId: string) {
  const employee = await db.employee.findUnique({
    where: { id: employeeId },
    select: {
      id: true,
      organizationId: true,
      name: true,
      email: true,
      /** userId is null until the person accepts their invitation. */
      membership: { select: { id: true, role: true, status: true, userId: true } },
    },
  });
  if (!employee || employee.organizationId !== organizationId) throw new TRPCError({ code: "NOT_FOUND", message: "No such employee." });
  return employee;
}

/** Admins see everyone in their organization; an employee sees only themself. */
export function assertSelfOrAdmin(actor: Member, employeeId: string): void {
  if (actor.role !== "ADMIN" && actor.employeeId !== employeeId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You can only see your own records." });
  }
}

/**
 * Serializes changes to who administers an organization: two admins demoting or
 * deactivating each other at once would otherwise each see the other still in charge.
 */
export async function lockOrganization(tx: Prisma.TransactionClient, organizationId: string): Promise<void> {
  await prismaRunner(tx).query<{ id: string }>(`SELECT id FROM auth.organizations WHERE id = $1::uuid FOR UPDATE`, [organizationId]);
}

/**
 * Refuses a change that would leave the organization without an admin who can sign in.
 * An invited admin who has not joined yet does not count: if their link expired, nobody
 * would be left to send a new one. Call it under `lockOrganization`.
 */
export async function assertAnotherActiveAdmin(tx: Prisma.TransactionClient, organizationId: string, employeeId: string, name: string) {
  const others = await tx.membership.count({
    where: {
      organizationId,
      role: "ADMIN",
      status: "ACTIVE",
      employee: { id: { not: employeeId } },
    },
  });
  if (others === 0) {
    throw new TRPCError({
      code: "CONFLICT",
      message: `${name} is the last active admin of the organization. Make someone else an admin first.`,
    });
  }
}
