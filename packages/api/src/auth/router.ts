import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { emailInput } from "../lib/inputs";
import { protectedProcedure, publicProcedure } from "../trpc";
import { changePassword, currentAccount, register, requestPasswordReset, RESET_REQUESTED_MESSAGE, resetPassword, signIn } from "./accounts";
import { issueTokens, refreshTokens, verifyToken } from "./api-sessions";
import { passwordShape } from "./passwords";
import { signOut, signOutEverywhere } from "./sessions";

const credentials = z.object({
  email: emailInput,
  // Not the password rules: those are for choosing one. Signing in only needs it bounded.
  password: z.string().min(1, "Enter your password.").max(1024),
});

const opaqueToken = z.string().trim().min(1).max(200);

export const authRouter = {
  register: publicProcedure
    .input(
      z.object({
        email: emailInput,
        name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
        password: passwordShape,
      }),
    )
    .mutation(({ ctx, input }) => register(ctx, input)),

  /** Browser sign-in: sets the session cookie. */
  login: publicProcedure.input(credentials).mutation(({ ctx, input }) => signIn(ctx, input)),

  /** Ends the caller's session: the cookie's, or the one their access token belongs to. */
  logout: protectedProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx, ctx.principal);
    return { signedOut: true as const };
  }),

  me: protectedProcedure.query(({ ctx }) => currentAccount(ctx, ctx.principal)),

  /** Program sign-in: a JWT access token (15 minutes at most) and a refresh token. */
  issueToken: publicProcedure.input(credentials).mutation(({ ctx, input }) => issueTokens(ctx, input)),

  refreshToken: publicProcedure.input(z.object({ refreshToken: opaqueToken })).mutation(({ ctx, input }) => refreshTokens(ctx, input)),

  verifyToken: publicProcedure
    .input(z.object({ token: z.string().trim().min(1).max(4096) }))
    .query(({ ctx, input }) => verifyToken(ctx, input)),

  changePassword: protectedProcedure
    .input(z.object({ currentPassword: z.string().min(1, "Enter your current password.").max(1024), newPassword: passwordShape }))
    .mutation(async ({ ctx, input }) => {
      await changePassword(ctx, ctx.principal, input);
      return { changed: true as const };
    }),

  /** Always the same answer, so it cannot tell anyone which emails have accounts. */
  requestPasswordReset: publicProcedure.input(z.object({ email: emailInput })).mutation(async ({ ctx, input }) => {
    await requestPasswordReset(ctx, input);
    return { message: RESET_REQUESTED_MESSAGE };
  }),

  resetPassword: publicProcedure.input(z.object({ token: opaqueToken, password: passwordShape })).mutation(async ({ ctx, input }) => {
    await resetPassword(ctx, input);
    return { reset: true as const };
  }),

  /** Every session of the caller ends, this one included ("sign out everywhere"). */
  logoutEverywhere: protectedProcedure.mutation(async ({ ctx }) => ({ sessionsEnded: await signOutEverywhere(ctx, ctx.principal) })),
} satisfies TRPCRouterRecord;
