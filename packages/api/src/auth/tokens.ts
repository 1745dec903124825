import type { Prisma, PrismaClient, Role } from "@qrcoats/db";
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { MAX_ACCESS_TOKEN_TTL_SECONDS, type ApiConfig } from "../config";
import type { RequestInfo } from "../context";
import { generateSecretToken, hashSecretToken } from "../lib/secrets";
import { sessionExpiry } from "./sessions";

const ISSUER = "qrcoats";
const AUDIENCE = "qrcoats-api";
const ALGORITHM = "HS256";
/** How far hosts' clocks may disagree: a token issued by one is at most this far in another's future. */
const CLOCK_SKEW_SECONDS = 60;

type Db = PrismaClient | Prisma.TransactionClient;

export type AccessTokenClaims = {
  userId: string;
  organizationId: string | null;
  role: Role | null;
  sessionId: string;
  issuedAt: Date;
  expiresAt: Date;
};

export type TokenPair = {
  tokenType: "Bearer";
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
};

type Subject = { userId: string; membership: { organizationId: string; role: Role } | null };

export async function signAccessToken(config: ApiConfig, subject: Subject, sessionId: string, now: Date) {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + config.auth.accessTokenTtlSeconds;
  const token = await new SignJWT({
    sid: sessionId,
    org: subject.membership?.organizationId ?? null,
    role: subject.membership?.role ?? null,
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(subject.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(config.auth.jwtSecret);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** The ids we sign in: a token naming anything else is not one of ours, whatever its signature. */
const ourIds = z.object({ sub: z.uuid(), sid: z.uuid() });

/**
 * The claims of a well-formed, correctly signed, unexpired access token, or null. Only
 * HS256 with our key is accepted: `alg: none`, other algorithms and other keys fail, and
 * so do malformed ids and lifetimes longer than ours.
 * Whether its session is still alive is for the caller to check.
 */
export async function verifyAccessToken(config: ApiConfig, token: string, now: Date): Promise<AccessTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, config.auth.jwtSecret, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now,
      requiredClaims: ["sub", "sid", "iat", "exp"],
    });
    const ids = ourIds.safeParse(payload);
    // A signed token claiming a longer life, or one issued in the future, was not made by
    // signAccessToken: a stolen one must not outlive the shortest window we can give it.
    const lifetime = payload.exp! - payload.iat!;
    const issuedAhead = payload.iat! - now.getTime() / 1000;
    if (!ids.success || !(lifetime > 0 && lifetime <= MAX_ACCESS_TOKEN_TTL_SECONDS) || issuedAhead > CLOCK_SKEW_SECONDS) return null;
    return {
      userId: ids.data.sub,
      sessionId: ids.data.sid,
      organizationId: typeof payload.org === "string" ? payload.org : null,
      role: payload.role === "ADMIN" || payload.role === "EMPLOYEE" ? payload.role : null,
      issuedAt: new Date(payload.iat! * 1000),
      expiresAt: new Date(payload.exp! * 1000),
    };
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

/** Starts an API session: a refresh-token family with its first token, and an access token. */
export async function startApiSession(
  db: Db,
  subject: Subject,
  request: RequestInfo | undefined,
  config: ApiConfig,
  now: Date,
): Promise<TokenPair & { sessionId: string }> {
  const session = await db.session.create({
    data: {
      userId: subject.userId,
      kind: "API",
      expiresAt: sessionExpiry(config, now),
      ipAddress: request?.clientAddress,
      userAgent: request?.headers.get("user-agent")?.slice(0, 512),
      createdAt: now,
    },
    select: { id: true, expiresAt: true },
  });
  return { sessionId: session.id, ...(await issuePair(db, subject, session, config, now)) };
}

/** The next link of a session's refresh chain, with a fresh access token. */
export async function issuePair(
  db: Db,
  subject: Subject,
  session: { id: string; expiresAt: Date },
  config: ApiConfig,
  now: Date,
): Promise<TokenPair> {
  const refreshToken = generateSecretToken();
  await db.refreshToken.create({
    data: { sessionId: session.id, tokenHash: hashSecretToken(refreshToken), createdAt: now },
  });
  const access = await signAccessToken(config, subject, session.id, now);
  return {
    tokenType: "Bearer",
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: session.expiresAt,
  };
}
