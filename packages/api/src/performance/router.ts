import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { checkPeriod, idInput, periodFields, venueIdInput } from "../lib/inputs";
import { adminProcedure, memberProcedure } from "../trpc";
import { employeeCsv, leaderboardCsv } from "./csv";
import { employeePerformance, leaderboard } from "./metrics";

const MAX_PERIOD_DAYS = 366;

const employeeInput = z.object({ employeeId: idInput("employee"), ...periodFields }).superRefine(checkPeriod(MAX_PERIOD_DAYS));
const leaderboardInput = z.object({ venueId: venueIdInput.optional(), ...periodFields }).superRefine(checkPeriod(MAX_PERIOD_DAYS));

export const performanceRouter = {
  /** Admins: anyone of their organization. Employees: themself. */
  employee: memberProcedure.input(employeeInput).query(({ ctx, input }) => employeePerformance(ctx, ctx.member, input)),

  leaderboard: adminProcedure.input(leaderboardInput).query(({ ctx, input }) => leaderboard(ctx, ctx.member, input)),

  employeeCsv: memberProcedure
    .input(employeeInput)
    .query(async ({ ctx, input }) => employeeCsv(await employeePerformance(ctx, ctx.member, input))),

  leaderboardCsv: adminProcedure
    .input(leaderboardInput)
    .query(async ({ ctx, input }) => leaderboardCsv(await leaderboard(ctx, ctx.member, input), { from: input.from, to: input.to })),
} satisfies TRPCRouterRecord;
