import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { checkPeriod, idInput, optionalPeriodFields, venueIdInput } from "../lib/inputs";
import { pageInput } from "../lib/pagination";
import { memberProcedure } from "../trpc";
import { clockIn, clockOut, currentShift, listShifts } from "./shifts";

export const shiftRouter = {
  /** Starts the caller's shift at a venue they work at; one open shift at a time. */
  clockIn: memberProcedure.input(z.object({ venueId: venueIdInput })).mutation(({ ctx, input }) => clockIn(ctx, ctx.member, input)),

  clockOut: memberProcedure.mutation(({ ctx }) => clockOut(ctx, ctx.member)),

  /** The caller's open shift, or null. */
  current: memberProcedure.query(({ ctx }) => currentShift(ctx, ctx.member)),

  /** Admins: the organization's shifts. Employees: their own. */
  list: memberProcedure
    .input(
      z
        .object({
          employeeId: idInput("employee").optional(),
          venueId: venueIdInput.optional(),
          ...optionalPeriodFields,
          ...pageInput,
        })
        .superRefine(checkPeriod()),
    )
    .query(({ ctx, input }) => listShifts(ctx, ctx.member, input)),
} satisfies TRPCRouterRecord;
