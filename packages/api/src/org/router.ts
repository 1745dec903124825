import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure } from "../trpc";
import { createOrganization } from "./organizations";

export const orgRouter = {
  /** Whoever starts running venues makes an organization and becomes its first admin. */
  create: protectedProcedure
    .input(z.object({ name: z.string().trim().min(2, "Use at least 2 characters.").max(100, "Use at most 100 characters.") }))
    .mutation(({ ctx, input }) => createOrganization(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
