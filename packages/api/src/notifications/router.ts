import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { idInput } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { adminProcedure } from "../trpc";
import { listMessages, mailDelivery, retryMessage } from "./messages";

/** The admins' view of what was sent to their organization's people. */
export const messagesRouter = {
  list: adminProcedure
    .input(
      z.object({
        status: z.enum(["PENDING", "SENT", "FAILED", "WITHDRAWN"], "The status is PENDING, SENT, FAILED or WITHDRAWN.").optional(),
        ...pageInput,
      }),
    )
    .query(({ ctx, input }) => listMessages(ctx, ctx.member, input)),

  retry: adminProcedure.input(z.object({ id: idInput("message") })).mutation(({ ctx, input }) => retryMessage(ctx, ctx.member, input)),

  delivery: adminProcedure.query(({ ctx }) => mailDelivery(ctx)),
} satisfies TRPCRouterRecord;
