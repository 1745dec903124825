import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { AUDIT_EVENT_TYPES } from "../auth/audit";
import { dateInput, idInput } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { adminProcedure } from "../trpc";
import { auditLog } from "./log";

export const auditRouter = {
  /** Admins: sign-ins and security events of their organization's people, newest first. */
  list: adminProcedure
    .input(
      z
        .object({
          type: z.enum(AUDIT_EVENT_TYPES, "That is not a kind of audit event.").optional(),
          userId: idInput("user").optional(),
          from: dateInput("Give the start as a date.").optional(),
          to: dateInput("Give the end as a date.").optional(),
          ...pageInput,
        })
        .refine((input) => !input.from || !input.to || input.from < input.to, { message: "The end must come after the start.", path: ["to"] })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => auditLog(ctx.prisma, ctx.member.organizationId, input)),
} satisfies TRPCRouterRecord;
