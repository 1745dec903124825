import type { Prisma, SqlRunner } from "@qrcoats/db";
import type { ApiServices, Principal, RequestInfo } from "../context";
import { hashSecretToken } from "../lib/secrets";
import { clearSessionCookie, readSessionToken, sessionExpiry, setSessionCookie, shouldExtend } from "./sessions";
import { verifyAccessToken } from "./tokens";

/** What deciding "who is this" reads about a session: never a hash or a password. */
export const sessionPrincipalSelect = {
  id: true,
  kind: true,
  expiresAt: true,
  revokedAt: true,
  user: {
    select: {
      id: true,
      email: true,
      name: true,
      membership: { select: { id: true, organizationId: true, role: true, status: true, employee: { select: { id: true } } } },
    },
  },
} satisfies Prisma.SessionSelect;

export type SessionWithPrincipal = Prisma.SessionGetPayload<{ select: typeof sessionPrincipalSelect }>;

/**
 * The same as reading `sessionPrincipalSelect`, in one SQL statement: it runs on every
 * request, where Prisma's per-query compilation would cost more than the query itself.
 */
async function readSession(sql: SqlRunner, where: { id: string } | { tokenHash: string }): Promise<SessionWithPrincipal | null> {
  const [session] = await sql.query<SessionWithPrincipal>(
    `SELECT s.id, s.kind::text AS kind, s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt",
            json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'membership',
              CASE WHEN m.id IS NOT NULL THEN json_build_object('id', m.id, 'organizationId', m.organization_id, 'role', m.role,
                'status', m.status, 'employee', CASE WHEN e.id IS NOT NULL THEN json_build_object('id', e.id) END) END) AS "user"
       FROM auth.sessions s
       JOIN auth.users u ON u.id = s.user_id
       LEFT JOIN auth.memberships m ON m.user_id = u.id
       LEFT JOIN employees.employees e ON e.membership_id = m.id
      WHERE ${"id" in where ? "s.id = $1::uuid" : "s.token_hash = $1"}`,
    ["id" in where ? where.id : where.tokenHash],
  );
  return session ?? null;
}

/**
 * The session as the caller may use it right now: not revoked, not expired, and its user
 * not deactivated. Checked on every request, so revoking works at once.
 */
export function usableSession(session: SessionWithPrincipal | null, now: Date): session is SessionWithPrincipal {
  return session !== null && session.revokedAt === null && session.expiresAt > now && session.user.membership?.status !== "DEACTIVATED";
}

export function toPrincipal(session: SessionWithPrincipal, via: Principal["via"]): Principal {
  const { user } = session;
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    sessionId: session.id,
    via,
    // Only a membership that has been taken up counts: an invitation alone gives no access.
    membership:
      user.membership?.status === "ACTIVE"
        ? {
            id: user.membership.id,
            organizationId: user.membership.organizationId,
            role: user.membership.role,
            employeeId: user.membership.employee!.id,
          }
        : null,
  };
}

/**
 * The caller as their session says now, as their next request would find them: null once
 * the session is revoked or expired, or its person deactivated. Live streams ask this while
 * they are open.
 */
export async function reauthenticate(services: Pick<ApiServices, "db" | "clock">, principal: Principal): Promise<Principal | null> {
  const session = await readSession(services.db.sql, { id: principal.sessionId });
  return usableSession(session, services.clock()) ? toPrincipal(session, principal.via) : null;
}

/**
 * Who is calling: a Bearer access token (programs) wins over the session cookie (the apps).
 * Bad or dead credentials make an anonymous caller, whom protected procedures refuse.
 */
export async function authenticateRequest(services: ApiServices, request: RequestInfo): Promise<Principal | null> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const [scheme, token] = authorization.split(" ");
    return scheme?.toLowerCase() === "bearer" && token ? authenticateBearer(services, token) : null;
  }
  const token = readSessionToken(request);
  return token ? authenticateCookie(services, request, token) : null;
}

async function authenticateBearer(services: ApiServices, token: string): Promise<Principal | null> {
  const now = services.clock();
  const claims = await verifyAccessToken(services.config, token, now);
  if (!claims) return null;
  const session = await readSession(services.db.sql, { id: claims.sessionId });
  if (!usableSession(session, now) || session.kind !== "API" || session.user.id !== claims.userId) return null;
  return toPrincipal(session, "bearer");
}

async function authenticateCookie(services: ApiServices, request: RequestInfo, token: string): Promise<Principal | null> {
  const now = services.clock();
  const { prisma } = services.db;
  const session = await readSession(services.db.sql, { tokenHash: hashSecretToken(token) });
  if (!usableSession(session, now)) {
    clearSessionCookie(request);
    return null;
  }
  if (shouldExtend(session.expiresAt, services.config, now)) {
    const expiresAt = sessionExpiry(services.config, now);
    await prisma.session.update({ where: { id: session.id }, data: { expiresAt } });
    setSessionCookie(request, token, expiresAt);
  }
  return toPrincipal(session, "cookie");
}
