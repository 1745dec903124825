import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { AUDIT_EVENT_TYPES } from "../auth/audit";
import { checkPeriod, idInput, optionalPeriodFields } from "../lib/inputs";
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
          ...optionalPeriodFields,
          ...pageInput,
        })
        .superRefine(checkPeriod())
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => auditLog(ctx, ctx.member, input)),
} satisfies TRPCRouterRecord;
