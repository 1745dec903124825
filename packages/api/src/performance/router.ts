import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { dateInput, idInput } from "../lib/inputs";
import { adminProcedure, memberProcedure } from "../trpc";
import { employeeCsv, leaderboardCsv } from "./csv";
import { employeePerformance, leaderboard } from "./metrics";

const MAX_PERIOD_DAYS = 366;

const period = {
  from: dateInput("Enter the start of the period as a date and time."),
  to: dateInput("Enter the end of the period as a date and time."),
};

function checkPeriod(input: { from: Date; to: Date }, ctx: z.RefinementCtx) {
  if (input.to <= input.from) ctx.addIssue({ code: "custom", path: ["to"], message: "The period must end after it starts." });
  else if (input.to.getTime() - input.from.getTime() > MAX_PERIOD_DAYS * 24 * 60 * 60 * 1000) {
    ctx.addIssue({ code: "custom", path: ["to"], message: `Ask for at most ${MAX_PERIOD_DAYS} days at a time.` });
  }
}

const employeeInput = z.object({ employeeId: idInput("employee"), ...period }).superRefine(checkPeriod);
const leaderboardInput = z.object({ venueId: idInput("venue").optional(), ...period }).superRefine(checkPeriod);

export const performanceRouter = {
  /** Admins: anyone of their organization. Employees: themself. */
  employee: memberProcedure
    .input(employeeInput)
    .query(({ ctx, input: { employeeId, ...range } }) => employeePerformance(ctx, ctx.member, employeeId, range)),

  leaderboard: adminProcedure
    .input(leaderboardInput)
    .query(({ ctx, input: { venueId, ...range } }) => leaderboard(ctx, ctx.member, venueId, range)),

  employeeCsv: memberProcedure
    .input(employeeInput)
    .query(async ({ ctx, input: { employeeId, ...range } }) => employeeCsv(await employeePerformance(ctx, ctx.member, employeeId, range))),

  leaderboardCsv: adminProcedure
    .input(leaderboardInput)
    .query(async ({ ctx, input: { venueId, ...range } }) => leaderboardCsv(await leaderboard(ctx, ctx.member, venueId, range), range)),
} satisfies TRPCRouterRecord;
