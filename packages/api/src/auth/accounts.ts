import type { Prisma } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Context, Principal } from "../context";
import { fieldError } from "../lib/errors";
import { generateSecretToken, hashSecretToken } from "../lib/secrets";
import { enqueue } from "../notifications/outbox";
import { audit } from "./audit";
import { hashPassword, passwordWeakness, verifyPassword } from "./passwords";
import { clear, enforce, unhit } from "./rate-limit";
import { revokeSessions } from "./sessions";

/** Everything the API says about a signed-in person. No hash ever leaves through this. */
export const accountSelect = {
  id: true,
  email: true,
  name: true,
  membership: {
    select: {
      id: true,
      role: true,
      status: true,
      organization: { select: { id: true, name: true } },
    },
  },
} satisfies Prisma.UserSelect;

export type Account = Prisma.UserGetPayload<{ select: typeof accountSelect }>;

export function toMe(account: Account) {
  const { membership } = account;
  return {
    user: { id: account.id, email: account.email, name: account.name },
    membership:
      membership && membership.status === "ACTIVE"
        ? { role: membership.role, organization: membership.organization }
        : null,
  };
}

export type Me = ReturnType<typeof toMe>;

const WRONG_CREDENTIALS = "Email or password is incorrect.";

/**
 * Checks an email and password, with the protections every way in shares: failures are
 * counted per account and per client address in the database, an unknown email costs the
 * same argon2 work as a wrong password, and both get the same answer.
 */
export async function authenticate(ctx: Context, email: string, password: string): Promise<Account> {
  const now = ctx.clock();
  const { limits } = ctx.config.auth;
  const accountKey = `sign-in:account:${email}`;
  const addressKey = `sign-in:address:${ctx.request?.clientAddress ?? "in-process"}`;
  try {
    await enforce(
      ctx.prisma,
      "Too many failed sign-ins.",
      [
        { key: accountKey, limit: limits.signInPerAccount },
        { key: addressKey, limit: limits.signInPerAddress },
      ],
      now,
    );
  } catch (error) {
    await audit(ctx.prisma, { type: "SIGN_IN_RATE_LIMITED", email }, ctx.request, now);
    throw error;
  }

  const user = await ctx.prisma.user.findUnique({
    where: { email },
    select: { ...accountSelect, passwordHash: true },
  });
  if (!(await verifyPassword(user?.passwordHash, password))) {
    await audit(
      ctx.prisma,
      { type: "SIGN_IN_FAILED", email, userId: user?.id, organizationId: user?.membership?.organization.id },
      ctx.request,
      now,
    );
    throw new TRPCError({ code: "UNAUTHORIZED", message: WRONG_CREDENTIALS });
  }
  const { passwordHash: _, ...account } = user!;
  if (account.membership?.status === "DEACTIVATED") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "This account has been deactivated. Ask an admin of your organization.",
    });
  }
  // A success forgives the account's failures, and does not count against the address:
  // a venue's staff share one Wi-Fi address.
  await clear(ctx.prisma, accountKey);
  await unhit(ctx.prisma, addressKey);
  return account;
}

/** Refuses a password that is easy to guess, naming the field it came in. */
export function assertStrongPassword(field: string, password: string, personal: string[]): void {
  const weakness = passwordWeakness(password, personal);
  if (weakness) throw fieldError(field, weakness);
}

export async function limitAccountRequests(ctx: Context, what: string): Promise<void> {
  await enforce(
    ctx.prisma,
    what,
    [{ key: `account-requests:address:${ctx.request?.clientAddress ?? "in-process"}`, limit: ctx.config.auth.limits.accountRequestsPerAddress }],
    ctx.clock(),
  );
}

export async function register(ctx: Context, input: { email: string; name: string; password: string }) {
  await limitAccountRequests(ctx, "Too many accounts created from this network.");
  assertStrongPassword("password", input.password, [input.email, input.name]);
  const existing = await ctx.prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "An account with this email already exists. Sign in, or reset your password.",
    });
  }
  const now = ctx.clock();
  const passwordHash = await hashPassword(input.password);
  const account = await ctx.prisma.user.create({
    data: { email: input.email, name: input.name, passwordHash, createdAt: now },
    select: accountSelect,
  });
  await audit(ctx.prisma, { type: "USER_REGISTERED", userId: account.id, email: account.email }, ctx.request, now);
  return account;
}

export async function changePassword(
  ctx: Context,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
) {
  const now = ctx.clock();
  const user = await ctx.prisma.user.findUniqueOrThrow({
    where: { id: principal.userId },
    select: { passwordHash: true, email: true, name: true },
  });
  await enforce(
    ctx.prisma,
    "Too many wrong passwords.",
    [{ key: `change-password:account:${principal.userId}`, limit: ctx.config.auth.limits.signInPerAccount }],
    now,
  );
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw fieldError("currentPassword", "That is not your current password.");
  }
  assertStrongPassword("newPassword", input.newPassword, [user.email, user.name]);
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: principal.userId }, data: { passwordHash } });
    // Whoever else holds a session (a lost phone, a leaked token) is out; this one stays.
    await revokeSessions(tx, { userId: principal.userId, id: { not: principal.sessionId } }, "password changed", now);
    await audit(tx, { type: "PASSWORD_CHANGED", userId: principal.userId, organizationId: principal.membership?.organizationId }, ctx.request, now);
  });
  await clear(ctx.prisma, `change-password:account:${principal.userId}`);
}

export const RESET_REQUESTED_MESSAGE =
  "If an account exists for that email, we have sent it a link to choose a new password.";

/** Sends a reset link if the account exists; the caller cannot tell whether it does. */
export async function requestPasswordReset(ctx: Context, email: string): Promise<void> {
  await limitAccountRequests(ctx, "Too many reset requests from this network.");
  const now = ctx.clock();
  const user = await ctx.prisma.user.findUnique({
    where: { email },
    select: { id: true, name: true, membership: { select: { status: true, organizationId: true } } },
  });
  await audit(ctx.prisma, { type: "PASSWORD_RESET_REQUESTED", email, userId: user?.id }, ctx.request, now);
  if (!user || user.membership?.status === "DEACTIVATED") return;

  const token = generateSecretToken();
  const ttlMinutes = ctx.config.auth.passwordResetTtlMinutes;
  const link = `${ctx.config.publicUrl}/reset-password?token=${token}`;
  await ctx.prisma.$transaction(async (tx) => {
    await tx.passwordResetToken.create({
      data: {
        userId: user.id,
        tokenHash: hashSecretToken(token),
        expiresAt: new Date(now.getTime() + ttlMinutes * 60_000),
        createdAt: now,
      },
    });
    await enqueue(
      tx,
      {
        channel: "email",
        recipient: email,
        template: "password-reset",
        subject: "Choose a new QRcoats password",
        body: `Hello ${user.name},\n\nOpen this link within ${ttlMinutes} minutes to choose a new password:\n${link}\n\nIf you did not ask for this, ignore this message; your password stays as it is.`,
      },
      now,
    );
  });
}

const INVALID_RESET_LINK = "This reset link is invalid or has expired. Ask for a new one.";

export async function resetPassword(ctx: Context, input: { token: string; password: string }): Promise<void> {
  const now = ctx.clock();
  const reset = await ctx.prisma.passwordResetToken.findUnique({
    where: { tokenHash: hashSecretToken(input.token) },
    select: { id: true, expiresAt: true, usedAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  if (!reset || reset.usedAt || reset.expiresAt <= now) throw fieldError("token", INVALID_RESET_LINK);
  assertStrongPassword("password", input.password, [reset.user.email, reset.user.name]);
  const passwordHash = await hashPassword(input.password);
  await ctx.prisma.$transaction(async (tx) => {
    // Spending the token is the race's arbiter: of two uses at once, one finds it spent.
    const spent = await tx.passwordResetToken.updateMany({
      where: { id: reset.id, usedAt: null },
      data: { usedAt: now },
    });
    if (spent.count === 0) throw fieldError("token", INVALID_RESET_LINK);
    await tx.user.update({ where: { id: reset.user.id }, data: { passwordHash } });
    await revokeSessions(tx, { userId: reset.user.id }, "password reset", now);
    await audit(tx, { type: "PASSWORD_RESET", userId: reset.user.id, email: reset.user.email }, ctx.request, now);
  });
  await clear(ctx.prisma, `sign-in:account:${reset.user.email}`);
}
