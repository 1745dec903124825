import { TRPCError } from "@trpc/server";
import { audit } from "../auth/audit";
import type { Deps, Principal } from "../context";

/**
 * Whoever starts running venues makes an organization and becomes its first admin, with the
 * staff record every member has (admins work the counter too). An account belongs to one
 * organization at most.
 */
export async function createOrganization(deps: Pick<Deps, "prisma" | "clock" | "request">, founder: Principal, { name }: { name: string }) {
  if (founder.membership) {
    throw new TRPCError({ code: "CONFLICT", message: "You already belong to an organization." });
  }
  const now = deps.clock();
  const organization = await deps.prisma.$transaction(async (tx) => {
    const created = await tx.organization.create({
      data: { name, createdAt: now },
      select: { id: true, name: true, createdAt: true },
    });
    // memberships.user_id is unique: of two creations at once, one fails and rolls back.
    await tx.membership.create({
      data: {
        userId: founder.userId,
        organizationId: created.id,
        role: "ADMIN",
        createdAt: now,
        employee: {
          create: { organizationId: created.id, name: founder.name, email: founder.email, position: "Owner", createdAt: now },
        },
      },
    });
    await audit(tx, { type: "ORGANIZATION_CREATED", userId: founder.userId, organizationId: created.id }, deps.request, now);
    return created;
  });
  return { organization, role: "ADMIN" as const };
}
