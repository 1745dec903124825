import { setTimeout } from "node:timers/promises";
import { oneRow, type Prisma } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps, Principal } from "../context";
import { fieldError } from "../lib/errors";
import { generateSecretToken, hashSecretToken } from "../lib/secrets";
import { enqueue, withdrawUnsent } from "../notifications/outbox";
import { audit } from "./audit";
import { hashPassword, passwordWeakness, verifyPassword } from "./passwords";
import { clear, enforce, reserve, type Budget } from "./rate-limit";
import { revokeSessions, startBrowserSession } from "./sessions";

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
    membership: membership && membership.status === "ACTIVE" ? { role: membership.role, organization: membership.organization } : null,
  };
}

export type Me = ReturnType<typeof toMe>;

/** What signing in, signing up and choosing passwords use. */
type AccountDeps = Pick<Deps, "prisma" | "db" | "clock" | "config" | "request">;

const WRONG_CREDENTIALS = "Email or password is incorrect.";

/** How long a successful sign-in makes its address the account's own, as far as limits go. */
const KNOWN_ADDRESS_DAYS = 30;

/** Whether the account has signed in (or signed up) from this address lately. */
async function isKnownAddress(deps: Pick<Deps, "db">, email: string, address: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 24 * 60 * 60 * 1000);
  const { known } = oneRow(
    await deps.db.sql.query<{ known: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM "auth"."sessions" s JOIN "auth"."users" u ON u.id = s.user_id
          WHERE u.email = $1 AND s.ip_address = $2 AND s.created_at > $3::timestamptz) AS known`,
      [email, address, since],
    ),
  );
  return known;
}

async function checkPassword(deps: Pick<Deps, "prisma">, email: string, password: string) {
  const user = await deps.prisma.user.findUnique({
    where: { email },
    select: { ...accountSelect, passwordHash: true },
  });
  return { user, passwordRight: await verifyPassword(user?.passwordHash, password) };
}

/**
 * Checks an email and password, with the protections every way in shares. Guessing locks
 * out only the account on the guesser's own address; an address the account has signed in
 * from lately is never held to the limits an attacker elsewhere can fill (OWASP's "lock the
 * (user, address) pair"). Successes are limited too, and every limit is checked before the
 * argon2 work. An unknown email, a wrong password and a deactivated account all cost the same
 * work and get the same answer.
 */
export async function authenticate(deps: AccountDeps, { email, password }: { email: string; password: string }): Promise<Account> {
  const now = deps.clock();
  const { limits } = deps.config.auth;
  const address = deps.request?.clientAddress ?? "in-process";
  const known = deps.request ? await isKnownAddress(deps, email, address, now) : false;
  const pair: Budget = { key: `sign-in:pair:${email} ${address}`, limit: limits.signInFailuresPerAccountAddress };
  const failures: Budget[] = known
    ? [pair]
    : [
        pair,
        { key: `sign-in:address:${address}`, limit: limits.signInFailuresPerAddress },
        { key: `sign-in:account:${email}`, limit: limits.signInFailuresPerAccount },
      ];
  const successes: Budget[] = [
    { key: `sign-in:success:account:${email}`, limit: limits.signInsPerAccount },
    { key: `sign-in:success:address:${address}`, limit: limits.signInsPerAddress },
  ];
  const attempt = await reserve(deps.db.sql, "Too many sign-in attempts.", [...failures, ...successes], now);

  const { user, passwordRight } = await checkPassword(deps, email, password).catch(async (error: unknown) => {
    await attempt.settle(() => false);
    throw error;
  });
  // A deactivated account answers as a wrong password does, whichever was typed: its
  // refusal must not confirm the password to whoever is trying it.
  if (!passwordRight || !user || user.membership?.status === "DEACTIVATED") {
    await attempt.settle((budget) => failures.includes(budget));
    await audit(
      deps.prisma,
      { type: "SIGN_IN_FAILED", email, userId: user?.id, organizationId: user?.membership?.organization.id },
      deps.request,
      now,
    );
    throw new TRPCError({ code: "UNAUTHORIZED", message: WRONG_CREDENTIALS });
  }
  await attempt.settle((budget) => successes.includes(budget));
  // The owner's own slips on this address are forgiven; guesses from elsewhere are not.
  await clear(deps.db.sql, pair.key);
  const { passwordHash: _, ...account } = user;
  return account;
}

/** Refuses a password that is easy to guess, naming the field it came in. */
export function assertStrongPassword(field: string, password: string, personal: string[]): void {
  const weakness = passwordWeakness(password, personal);
  if (weakness) throw fieldError(field, weakness);
}

/** Browser sign-in: sets the session cookie. */
export async function signIn(deps: AccountDeps, credentials: { email: string; password: string }): Promise<Me> {
  const account = await authenticate(deps, credentials);
  const now = deps.clock();
  await startBrowserSession(deps.prisma, account.id, deps.request, deps.config, now);
  await audit(
    deps.prisma,
    { type: "SIGN_IN", userId: account.id, organizationId: account.membership?.organization.id, email: account.email },
    deps.request,
    now,
  );
  return toMe(account);
}

/** A new account, signed in at once (session cookie). */
export async function register(deps: AccountDeps, input: { email: string; name: string; password: string }): Promise<Me> {
  await enforce(
    deps.db.sql,
    "Too many accounts created from this network.",
    [{ key: `register:address:${deps.request?.clientAddress ?? "in-process"}`, limit: deps.config.auth.limits.registrationsPerAddress }],
    deps.clock(),
  );
  assertStrongPassword("password", input.password, [input.email, input.name]);
  const existing = await deps.prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "An account with this email already exists. Sign in, or reset your password.",
    });
  }
  const now = deps.clock();
  const passwordHash = await hashPassword(input.password);
  const account = await deps.prisma.user.create({
    data: { email: input.email, name: input.name, passwordHash, createdAt: now },
    select: accountSelect,
  });
  await audit(deps.prisma, { type: "USER_REGISTERED", userId: account.id, email: account.email }, deps.request, now);
  await startBrowserSession(deps.prisma, account.id, deps.request, deps.config, now);
  await audit(deps.prisma, { type: "SIGN_IN", userId: account.id, email: account.email }, deps.request, now);
  return toMe(account);
}

/** The signed-in caller's account as `auth.me` shows it. */
export async function currentAccount(deps: Pick<Deps, "prisma">, caller: Principal): Promise<Me> {
  return toMe(await deps.prisma.user.findUniqueOrThrow({ where: { id: caller.userId }, select: accountSelect }));
}

export async function changePassword(deps: AccountDeps, principal: Principal, input: { currentPassword: string; newPassword: string }) {
  const now = deps.clock();
  const user = await deps.prisma.user.findUniqueOrThrow({
    where: { id: principal.userId },
    select: { passwordHash: true, email: true, name: true },
  });
  const attempt = await reserve(
    deps.db.sql,
    "Too many wrong passwords.",
    [{ key: `change-password:account:${principal.userId}`, limit: deps.config.auth.limits.signInFailuresPerAccountAddress }],
    now,
  );
  const passwordRight = await verifyPassword(user.passwordHash, input.currentPassword);
  await attempt.settle(() => !passwordRight);
  if (!passwordRight) throw fieldError("currentPassword", "That is not your current password.");
  assertStrongPassword("newPassword", input.newPassword, [user.email, user.name]);
  const passwordHash = await hashPassword(input.newPassword);
  await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: principal.userId }, data: { passwordHash } });
    // Whoever else holds a session (a lost phone, a leaked token) is out; this one stays.
    await revokeSessions(tx, { userId: principal.userId, id: { not: principal.sessionId } }, "password changed", now);
    await voidResetLinks(tx, { id: principal.userId }, now);
    await withdrawUnsent(
      tx,
      deps.config.keys,
      { template: "password-reset", channel: "email", to: user.email },
      "Withdrawn: the password was changed.",
      now,
    );
    await audit(
      tx,
      { type: "PASSWORD_CHANGED", userId: principal.userId, organizationId: principal.membership?.organizationId },
      deps.request,
      now,
    );
  });
  await clear(deps.db.sql, `change-password:account:${principal.userId}`);
}

export const RESET_REQUESTED_MESSAGE = "If an account exists for that email, we have sent it a link to choose a new password.";

/** Spends every unused reset link of an account: only the newest, or none, may work. */
async function voidResetLinks(db: Prisma.TransactionClient, user: Prisma.UserWhereInput, now: Date): Promise<void> {
  await db.passwordResetToken.updateMany({ where: { user, usedAt: null }, data: { usedAt: now } });
}

/**
 * The least time a reset request takes. The same statements run for every email, but writing
 * a token and a message still costs a few milliseconds more than writing none; answering no
 * sooner than this hides that under any ordinary load.
 */
const RESET_REQUEST_MIN_MS = 200;

/**
 * Sends a reset link if the account exists; the caller cannot tell whether it does, not even
 * by the time the answer takes: both cases run the same statements, which for an unknown
 * email simply write no token and no message, and both answer after the same least time.
 */
export async function requestPasswordReset(deps: AccountDeps, { email }: { email: string }): Promise<void> {
  const started = performance.now();
  await sendResetLink(deps, email);
  await setTimeout(Math.max(0, RESET_REQUEST_MIN_MS - (performance.now() - started)));
}

async function sendResetLink(deps: AccountDeps, email: string): Promise<void> {
  const now = deps.clock();
  const { limits } = deps.config.auth;
  await enforce(
    deps.db.sql,
    "Too many reset requests.",
    [
      { key: `password-reset:address:${deps.request?.clientAddress ?? "in-process"}`, limit: limits.passwordResetsPerAddress },
      { key: `password-reset:email:${email}`, limit: limits.passwordResetsPerEmail },
    ],
    now,
  );
  const user = await deps.prisma.user.findUnique({
    where: { email },
    select: { id: true, name: true, membership: { select: { status: true, organizationId: true } } },
  });
  const recipient = user && user.membership?.status !== "DEACTIVATED" ? user : null;
  const token = generateSecretToken();
  const validMinutes = deps.config.auth.passwordResetTtlMinutes;
  const expiresAt = new Date(now.getTime() + validMinutes * 60_000);
  // A member's reset shows in their organization's messages (never its link); a guest's belongs to no one.
  const organizationId = recipient?.membership?.status === "ACTIVE" ? recipient.membership.organizationId : null;
  await deps.prisma.$transaction(async (tx) => {
    await audit(tx, { type: "PASSWORD_RESET_REQUESTED", email, userId: user?.id }, deps.request, now);
    await voidResetLinks(tx, { email }, now);
    await withdrawUnsent(
      tx,
      deps.config.keys,
      { template: "password-reset", channel: "email", to: email },
      "Withdrawn: a newer reset link replaced it.",
      now,
    );
    await tx.passwordResetToken.createMany({
      data: recipient ? [{ userId: recipient.id, tokenHash: hashSecretToken(token), expiresAt, createdAt: now }] : [],
    });
    await enqueue(
      tx,
      deps.config.keys,
      recipient
        ? [
            {
              template: "password-reset",
              params: { name: recipient.name, token, validMinutes },
              channel: "email",
              to: email,
              audience: organizationId ? "STAFF" : "GUEST",
              organizationId,
              expiresAt,
            },
          ]
        : [],
      now,
    );
  });
}

const INVALID_RESET_LINK = "This reset link is invalid or has expired. Ask for a new one.";

export async function resetPassword(deps: AccountDeps, input: { token: string; password: string }): Promise<void> {
  const now = deps.clock();
  const reset = await deps.prisma.passwordResetToken.findUnique({
    where: { tokenHash: hashSecretToken(input.token) },
    select: { id: true, expiresAt: true, usedAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  if (!reset || reset.usedAt || reset.expiresAt <= now) throw fieldError("token", INVALID_RESET_LINK);
  assertStrongPassword("password", input.password, [reset.user.email, reset.user.name]);
  const passwordHash = await hashPassword(input.password);
  await deps.prisma.$transaction(async (tx) => {
    // Spending the token is the race's arbiter: of two uses at once, one finds it spent.
    const spent = await tx.passwordResetToken.updateMany({
      where: { id: reset.id, usedAt: null },
      data: { usedAt: now },
    });
    if (spent.count === 0) throw fieldError("token", INVALID_RESET_LINK);
    await tx.user.update({ where: { id: reset.user.id }, data: { passwordHash } });
    await revokeSessions(tx, { userId: reset.user.id }, "password reset", now);
    await voidResetLinks(tx, { id: reset.user.id }, now);
    await withdrawUnsent(
      tx,
      deps.config.keys,
      { template: "password-reset", channel: "email", to: reset.user.email },
      "Withdrawn: the password was reset.",
      now,
    );
    await audit(tx, { type: "PASSWORD_RESET", userId: reset.user.id, email: reset.user.email }, deps.request, now);
  });
  // Whoever reads the account's mail is its owner: guesses counted against it are forgiven.
  await clear(deps.db.sql, `sign-in:account:${reset.user.email}`);
}
