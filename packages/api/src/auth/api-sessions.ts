import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { hashSecretToken } from "../lib/secrets";
import { authenticate } from "./accounts";
import { audit } from "./audit";
import { sessionPrincipalSelect, toPrincipal, usableSession } from "./credentials";
import { sessionExpiry, revokeSessions } from "./sessions";
import { issuePair, startApiSession, verifyAccessToken, type AccessTokenClaims, type TokenPair } from "./tokens";

// Sessions of programs: other TypeScript projects and services sign in with email and
// password, then carry a short-lived JWT and swap a one-use refresh token for new ones.

type TokenDeps = Pick<Deps, "prisma" | "db" | "clock" | "config" | "request">;

function subjectOf(account: {
  id: string;
  membership: { status: string; role: "ADMIN" | "EMPLOYEE"; organization: { id: string } } | null;
}) {
  const membership = account.membership?.status === "ACTIVE" ? account.membership : null;
  return {
    userId: account.id,
    membership: membership ? { organizationId: membership.organization.id, role: membership.role } : null,
  };
}

export async function issueTokens(deps: TokenDeps, credentials: { email: string; password: string }): Promise<TokenPair> {
  const account = await authenticate(deps, credentials);
  const now = deps.clock();
  const subject = subjectOf(account);
  const { sessionId, ...pair } = await deps.prisma.$transaction((tx) => startApiSession(tx, subject, deps.request, deps.config, now));
  await audit(
    deps.prisma,
    {
      type: "TOKEN_ISSUED",
      userId: account.id,
      organizationId: subject.membership?.organizationId,
      email: credentials.email,
      detail: { sessionId },
    },
    deps.request,
    now,
  );
  return pair;
}

const INVALID_REFRESH = "This refresh token is not valid. Sign in again.";

/**
 * Swaps a refresh token for a new pair. Each token works once: presenting a spent one means
 * two parties hold the chain, so the whole session is revoked and both must sign in again.
 */
export async function refreshTokens(deps: TokenDeps, { refreshToken }: { refreshToken: string }): Promise<TokenPair> {
  const now = deps.clock();
  const stored = await deps.prisma.refreshToken.findUnique({
    where: { tokenHash: hashSecretToken(refreshToken) },
    select: { id: true, usedAt: true, session: { select: sessionPrincipalSelect } },
  });
  if (!stored) throw new TRPCError({ code: "UNAUTHORIZED", message: INVALID_REFRESH });

  const { session } = stored;
  const reuse = async () => {
    await revokeSessions(deps.prisma, { id: session.id }, "refresh token reused", now);
    await audit(
      deps.prisma,
      {
        type: "REFRESH_TOKEN_REUSED",
        userId: session.user.id,
        organizationId: session.user.membership?.organizationId,
        detail: { sessionId: session.id },
      },
      deps.request,
      now,
    );
    return new TRPCError({ code: "UNAUTHORIZED", message: INVALID_REFRESH });
  };
  if (stored.usedAt) throw await reuse();
  if (!usableSession(session, now)) throw new TRPCError({ code: "UNAUTHORIZED", message: INVALID_REFRESH });

  const principal = toPrincipal(session, "bearer");
  const pair = await deps.prisma.$transaction(async (tx) => {
    const spent = await tx.refreshToken.updateMany({ where: { id: stored.id, usedAt: null }, data: { usedAt: now } });
    if (spent.count === 0) return null;
    const extended = await tx.session.update({
      where: { id: session.id },
      data: { expiresAt: sessionExpiry(deps.config, now) },
      select: { id: true, expiresAt: true },
    });
    return issuePair(tx, principal, extended, deps.config, now);
  });
  // Two refreshes racing with one token: the loser is the reuse.
  if (!pair) throw await reuse();
  await audit(
    deps.prisma,
    {
      type: "TOKEN_REFRESHED",
      userId: principal.userId,
      organizationId: principal.membership?.organizationId,
      detail: { sessionId: session.id },
    },
    deps.request,
    now,
  );
  return pair;
}

/** For other services: a token's claims if it is valid and its session alive right now. */
export async function verifyToken(
  deps: Pick<Deps, "prisma" | "clock" | "config">,
  { token }: { token: string },
): Promise<AccessTokenClaims> {
  const now = deps.clock();
  const claims = await verifyAccessToken(deps.config, token, now);
  const session = claims ? await deps.prisma.session.findUnique({ where: { id: claims.sessionId }, select: sessionPrincipalSelect }) : null;
  if (!claims || !usableSession(session, now) || session.user.id !== claims.userId) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "This token is not valid." });
  }
  // The session's current organization and role, not what the token said when signed.
  const current = toPrincipal(session, "bearer").membership;
  return { ...claims, organizationId: current?.organizationId ?? null, role: current?.role ?? null };
}
