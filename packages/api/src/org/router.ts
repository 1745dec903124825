import type { TRPCRouterRecord } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { audit } from "../auth/audit";
import { protectedProcedure } from "../trpc";

export const orgRouter = {
  /** Whoever starts running venues makes an organization and becomes its first admin. */
  create: protectedProcedure
    .input(z.object({ name: z.string().trim().min(2, "Use at least 2 characters.").max(100, "Use at most 100 characters.") }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.principal.membership) {
        throw new TRPCError({ code: "CONFLICT", message: "You already belong to an organization." });
      }
      const now = ctx.clock();
      const organization = await ctx.prisma.$transaction(async (tx) => {
        const created = await tx.organization.create({
          data: { name: input.name, createdAt: now },
          select: { id: true, name: true, createdAt: true },
        });
        // memberships.user_id is unique: of two creations at once, one fails and rolls back.
        await tx.membership.create({
          data: {
            userId: ctx.principal.userId,
            organizationId: created.id,
            role: "ADMIN",
            createdAt: now,
            employee: {
              create: { organizationId: created.id, name: ctx.principal.name, email: ctx.principal.email, position: "Owner", createdAt: now },
            },
          },
        });
        await audit(tx, { type: "ORGANIZATION_CREATED", userId: ctx.principal.userId, organizationId: created.id }, ctx.request, now);
        return created;
      });
      return { organization, role: "ADMIN" as const };
    }),
} satisfies TRPCRouterRecord;
