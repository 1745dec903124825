import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { dateInput, idInput } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { memberProcedure } from "../trpc";
import { clockIn, clockOut, currentShift, listShifts } from "./shifts";

export const shiftRouter = {
  /** Starts the caller's shift at a venue they work at; one open shift at a time. */
  clockIn: memberProcedure
    .input(z.object({ venueId: idInput("venue") }))
    .mutation(({ ctx, input }) => clockIn(ctx, ctx.member, input.venueId)),

  clockOut: memberProcedure.mutation(({ ctx }) => clockOut(ctx, ctx.member)),

  /** The caller's open shift, or null. */
  current: memberProcedure.query(({ ctx }) => currentShift(ctx, ctx.member)),

  /** Admins: the organization's shifts. Employees: their own. */
  list: memberProcedure
    .input(
      z
        .object({
          employeeId: idInput("employee").optional(),
          venueId: idInput("venue").optional(),
          from: dateInput("Enter a date and time.").optional(),
          to: dateInput("Enter a date and time.").optional(),
          ...pageInput,
        })
        .refine((input) => !input.from || !input.to || input.from < input.to, { message: "The period must end after it starts.", path: ["to"] }),
    )
    .query(({ ctx, input }) => listShifts(ctx, ctx.member, input)),
} satisfies TRPCRouterRecord;
