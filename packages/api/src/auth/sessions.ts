import type { Prisma, PrismaClient } from "@qrcoats/db";
import { parse, serialize } from "cookie";
import type { ApiConfig } from "../config";
import type { Deps, Principal, RequestInfo } from "../context";
import { generateSecretToken, hashSecretToken } from "../lib/secrets";
import { audit } from "./audit";

// Lucia's session design (lucia-auth.com), implemented directly: the `lucia` package is
// deprecated by its authors in favour of exactly this. A random token lives only in an
// HttpOnly cookie; the database keeps its SHA-256; expiry slides while it is used.

/** Over HTTPS the __Host- prefix pins the cookie to this host, path / and Secure. */
const COOKIE_NAME = { plain: "qrcoats_session", secure: "__Host-qrcoats_session" } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

type Db = PrismaClient | Prisma.TransactionClient;

export function sessionExpiry(config: ApiConfig, now: Date): Date {
  return new Date(now.getTime() + config.auth.sessionTtlDays * DAY_MS);
}

/** Extended once half its life is used, so an active user is never signed out. */
export function shouldExtend(expiresAt: Date, config: ApiConfig, now: Date): boolean {
  return expiresAt.getTime() - now.getTime() < (config.auth.sessionTtlDays * DAY_MS) / 2;
}

export async function startBrowserSession(db: Db, userId: string, request: RequestInfo | undefined, config: ApiConfig, now: Date) {
  const token = generateSecretToken();
  const session = await db.session.create({
    data: {
      userId,
      kind: "BROWSER",
      tokenHash: hashSecretToken(token),
      expiresAt: sessionExpiry(config, now),
      ipAddress: request?.clientAddress,
      userAgent: request?.headers.get("user-agent")?.slice(0, 512),
      createdAt: now,
    },
    select: { id: true, expiresAt: true },
  });
  if (request) setSessionCookie(request, token, session.expiresAt);
  return { ...session, token };
}

export function readSessionToken(request: RequestInfo): string | null {
  const cookies = parse(request.headers.get("cookie") ?? "");
  const token = cookies[request.secure ? COOKIE_NAME.secure : COOKIE_NAME.plain];
  return token && /^[a-z2-7]{32}$/.test(token) ? token : null;
}

export function setSessionCookie(request: RequestInfo, token: string, expiresAt: Date): void {
  request.responseHeaders.append(
    "set-cookie",
    serialize(request.secure ? COOKIE_NAME.secure : COOKIE_NAME.plain, token, {
      httpOnly: true,
      sameSite: "lax",
      secure: request.secure,
      path: "/",
      expires: expiresAt,
    }),
  );
}

export function clearSessionCookie(request: RequestInfo): void {
  request.responseHeaders.append(
    "set-cookie",
    serialize(request.secure ? COOKIE_NAME.secure : COOKIE_NAME.plain, "", {
      httpOnly: true,
      sameSite: "lax",
      secure: request.secure,
      path: "/",
      maxAge: 0,
    }),
  );
}

/** Ends sessions; their JWTs and refresh tokens stop working with them. */
export async function revokeSessions(db: Db, where: Prisma.SessionWhereInput, reason: string, now: Date): Promise<number> {
  const { count } = await db.session.updateMany({
    where: { ...where, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

/** Ends the caller's session: the cookie's, or the one their access token belongs to. */
export async function signOut(deps: Pick<Deps, "prisma" | "clock" | "request">, caller: Principal): Promise<void> {
  const now = deps.clock();
  await revokeSessions(deps.prisma, { id: caller.sessionId }, "signed out", now);
  if (deps.request && caller.via === "cookie") clearSessionCookie(deps.request);
  await audit(
    deps.prisma,
    { type: "SIGN_OUT", userId: caller.userId, organizationId: caller.membership?.organizationId },
    deps.request,
    now,
  );
}

/** Every session of the caller ends, this one included ("sign out everywhere"); answers how many. */
export async function signOutEverywhere(deps: Pick<Deps, "prisma" | "clock" | "request">, caller: Principal): Promise<number> {
  const now = deps.clock();
  const count = await revokeSessions(deps.prisma, { userId: caller.userId }, "signed out everywhere", now);
  if (deps.request && caller.via === "cookie") clearSessionCookie(deps.request);
  await audit(deps.prisma, { type: "SESSIONS_REVOKED", userId: caller.userId, detail: { count } }, deps.request, now);
  return count;
}
