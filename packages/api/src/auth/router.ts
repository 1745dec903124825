import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, publicProcedure } from "../trpc";
import {
  accountSelect,
  changePassword,
  register,
  requestPasswordReset,
  RESET_REQUESTED_MESSAGE,
  resetPassword,
  toMe,
  authenticate,
} from "./accounts";
import { issueTokens, refreshTokens, verifyToken } from "./api-sessions";
import { audit } from "./audit";
import { passwordShape } from "./passwords";
import { clearSessionCookie, revokeSessions, startBrowserSession } from "./sessions";

export const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter a valid email address."));

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
    .mutation(async ({ ctx, input }) => {
      const account = await register(ctx, input);
      const now = ctx.clock();
      await startBrowserSession(ctx.prisma, account.id, ctx.request, ctx.config, now);
      await audit(ctx.prisma, { type: "SIGN_IN", userId: account.id, email: account.email }, ctx.request, now);
      return toMe(account);
    }),

  /** Browser sign-in: sets the session cookie. */
  login: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const account = await authenticate(ctx, input.email, input.password);
    const now = ctx.clock();
    await startBrowserSession(ctx.prisma, account.id, ctx.request, ctx.config, now);
    await audit(
      ctx.prisma,
      { type: "SIGN_IN", userId: account.id, organizationId: account.membership?.organization.id, email: account.email },
      ctx.request,
      now,
    );
    return toMe(account);
  }),

  /** Ends the caller's session: the cookie's, or the one their access token belongs to. */
  logout: protectedProcedure.mutation(async ({ ctx }) => {
    const now = ctx.clock();
    await revokeSessions(ctx.prisma, { id: ctx.principal.sessionId }, "signed out", now);
    if (ctx.request && ctx.principal.via === "cookie") clearSessionCookie(ctx.request);
    await audit(
      ctx.prisma,
      { type: "SIGN_OUT", userId: ctx.principal.userId, organizationId: ctx.principal.membership?.organizationId },
      ctx.request,
      now,
    );
    return { signedOut: true as const };
  }),

  me: protectedProcedure.query(async ({ ctx }) =>
    toMe(await ctx.prisma.user.findUniqueOrThrow({ where: { id: ctx.principal.userId }, select: accountSelect })),
  ),

  /** Program sign-in: a JWT access token (15 minutes at most) and a refresh token. */
  issueToken: publicProcedure.input(credentials).mutation(({ ctx, input }) => issueTokens(ctx, input.email, input.password)),

  refreshToken: publicProcedure
    .input(z.object({ refreshToken: opaqueToken }))
    .mutation(({ ctx, input }) => refreshTokens(ctx, input.refreshToken)),

  verifyToken: publicProcedure
    .input(z.object({ token: z.string().trim().min(1).max(4096) }))
    .query(({ ctx, input }) => verifyToken(ctx, input.token)),

  changePassword: protectedProcedure
    .input(z.object({ currentPassword: z.string().min(1, "Enter your current password.").max(1024), newPassword: passwordShape }))
    .mutation(async ({ ctx, input }) => {
      await changePassword(ctx, ctx.principal, input);
      return { changed: true as const };
    }),

  /** Always the same answer, so it cannot tell anyone which emails have accounts. */
  requestPasswordReset: publicProcedure.input(z.object({ email: emailInput })).mutation(async ({ ctx, input }) => {
    await requestPasswordReset(ctx, input.email);
    return { message: RESET_REQUESTED_MESSAGE };
  }),

  resetPassword: publicProcedure
    .input(z.object({ token: opaqueToken, password: passwordShape }))
    .mutation(async ({ ctx, input }) => {
      await resetPassword(ctx, input);
      return { reset: true as const };
    }),

  /** Every session of the caller ends, this one included ("sign out everywhere"). */
  logoutEverywhere: protectedProcedure.mutation(async ({ ctx }) => {
    const now = ctx.clock();
    const count = await revokeSessions(ctx.prisma, { userId: ctx.principal.userId }, "signed out everywhere", now);
    if (ctx.request && ctx.principal.via === "cookie") clearSessionCookie(ctx.request);
    await audit(ctx.prisma, { type: "SESSIONS_REVOKED", userId: ctx.principal.userId, detail: { count } }, ctx.request, now);
    return { sessionsEnded: count };
  }),
} satisfies TRPCRouterRecord;
