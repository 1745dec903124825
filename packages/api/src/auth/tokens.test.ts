import { base64url, decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";

const MINUTE = 60_000;

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

async function program(email: string) {
  const person = await t.signUp({ email });
  const tokens = await t.client({ origin: null }).api.auth.issueToken({ email, password: STRONG_PASSWORD });
  return { person, tokens };
}

describe("access tokens for programs", () => {
  it("issueToken returns a short-lived HS256 JWT with the standard claims and a refresh token", async () => {
    const admin = await t.signUpAdmin("Claims Club", "claims@example.com");
    const tokens = await t.client({ origin: null }).api.auth.issueToken({ email: "claims@example.com", password: STRONG_PASSWORD });
    expect(tokens).toMatchObject({ tokenType: "Bearer", refreshToken: expect.stringMatching(/^[a-z2-7]{32}$/) });

    const claims = decodeJwt(tokens.accessToken);
    expect(claims).toMatchObject({
      sub: admin.me.user.id,
      org: admin.organization.id,
      role: "ADMIN",
      sid: expect.any(String),
      iss: "qrcoats",
      aud: "qrcoats-api",
    });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(15 * 60);
    expect(tokens.accessTokenExpiresAt.getTime()).toBe(claims.exp! * 1000);
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(tokens.accessToken.split(".")[0]!)))).toEqual({ alg: "HS256", typ: "JWT" });

    const me = await t.bearer(tokens.accessToken).auth.me();
    expect(me.membership).toEqual({ role: "ADMIN", organization: { id: admin.organization.id, name: "Claims Club" } });
  });

  it("refuses expired, tampered, unsigned (alg: none) and foreign-key tokens", async () => {
    const { tokens } = await program("forger@example.com");
    const [header, payload, signature] = tokens.accessToken.split(".") as [string, string, string];
    const claims = decodeJwt(tokens.accessToken);

    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...claims, role: "ADMIN" }))}.${signature}`;
    const unsigned = `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${payload}.`;
    const foreignKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(crypto.getRandomValues(new Uint8Array(32)));
    for (const [name, token] of Object.entries({ tampered, unsigned, foreignKey, garbage: "not.a.jwt" })) {
      expect((await refusal(t.bearer(token).auth.me())).code, name).toBe("UNAUTHORIZED");
      expect((await refusal(t.client().api.auth.verifyToken({ token }))).code, name).toBe("UNAUTHORIZED");
    }

    expect((await t.bearer(tokens.accessToken).auth.me()).user.email).toBe("forger@example.com");
    t.clock.advance(15 * MINUTE + 1000);
    expect((await refusal(t.bearer(tokens.accessToken).auth.me())).code).toBe("UNAUTHORIZED");
  });

  it("refuses a correctly signed token whose claims are not ours: a malformed session or user id, a lifetime over 15 minutes, no or a future iat", async () => {
    const { tokens } = await program("odd-claims@example.com");
    const claims = decodeJwt(tokens.accessToken);
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const signed = (payload: Record<string, unknown>) =>
      new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(t.config.auth.jwtSecret);
    const { iat: _iat, ...withoutIssuedAt } = claims;
    const cases = {
      sessionIdNotUuid: await signed({ ...claims, sid: "not-a-session" }),
      sessionIdOfDashes: await signed({ ...claims, sid: "-".repeat(36) }),
      userIdNotUuid: await signed({ ...claims, sub: "someone" }),
      livesADay: await signed({ ...claims, iat: now, exp: now + 24 * 3600 }),
      livesSixteenMinutes: await signed({ ...claims, iat: now, exp: now + 16 * 60 }),
      expiresBeforeIssued: await signed({ ...claims, iat: now + 60, exp: now + 30 }),
      noIssuedAt: await signed({ ...withoutIssuedAt, exp: now + 60 }),
      issuedInTheFarFuture: await signed({ ...claims, iat: now + 1e10, exp: now + 1e10 + 60 }),
    };
    for (const [name, token] of Object.entries(cases)) {
      expect.soft((await refusal(t.bearer(token).auth.me())).code, `${name} as a bearer`).toBe("UNAUTHORIZED");
      expect.soft((await refusal(t.client().api.auth.verifyToken({ token }))).code, `${name} to verifyToken`).toBe("UNAUTHORIZED");
    }
    // The same claims within bounds are accepted: the refusals above are for what was changed.
    const fifteenMinutes = await signed({ ...claims, iat: now, exp: now + 15 * 60 });
    expect((await t.bearer(fifteenMinutes).auth.me()).user.email).toBe("odd-claims@example.com");
  });

  it("verifyToken turns a live token into its claims, and a revoked session's into UNAUTHORIZED", async () => {
    const { person, tokens } = await program("service-user@example.com");
    const claims = await t.client({ origin: null }).api.auth.verifyToken({ token: tokens.accessToken });
    expect(claims).toEqual({
      userId: person.me.user.id,
      organizationId: null,
      role: null,
      sessionId: expect.any(String),
      issuedAt: expect.any(Date),
      expiresAt: expect.any(Date),
    });

    await t.bearer(tokens.accessToken).auth.logout();
    expect((await refusal(t.client().api.auth.verifyToken({ token: tokens.accessToken }))).code).toBe("UNAUTHORIZED");
    expect((await refusal(t.bearer(tokens.accessToken).auth.me())).code).toBe("UNAUTHORIZED");
  });
});

describe("refresh tokens", () => {
  it("rotate on every use: each works once and brings a new access token", async () => {
    const { tokens } = await program("rotator@example.com");
    t.clock.advance(14 * MINUTE);
    const next = await t.client({ origin: null }).api.auth.refreshToken({ refreshToken: tokens.refreshToken });
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.accessTokenExpiresAt.getTime()).toBeGreaterThan(tokens.accessTokenExpiresAt.getTime());
    expect(decodeJwt(next.accessToken).sid).toBe(decodeJwt(tokens.accessToken).sid);
    expect((await t.bearer(next.accessToken).auth.me()).user.email).toBe("rotator@example.com");

    const third = await t.client({ origin: null }).api.auth.refreshToken({ refreshToken: next.refreshToken });
    expect((await t.bearer(third.accessToken).auth.me()).user.email).toBe("rotator@example.com");
  });

  it("a spent one presented again revokes the whole family: every token of that session dies", async () => {
    const { tokens } = await program("victim@example.com");
    const legit = await t.client({ origin: null }).api.auth.refreshToken({ refreshToken: tokens.refreshToken });

    const stolen = await refusal(t.client({ origin: null }).api.auth.refreshToken({ refreshToken: tokens.refreshToken }));
    expect(stolen).toMatchObject({ code: "UNAUTHORIZED", message: "This refresh token is not valid. Sign in again." });

    expect((await refusal(t.client({ origin: null }).api.auth.refreshToken({ refreshToken: legit.refreshToken }))).code).toBe(
      "UNAUTHORIZED",
    );
    expect((await refusal(t.bearer(legit.accessToken).auth.me())).code).toBe("UNAUTHORIZED");
    const [event] = await t.db.sql.query<{ type: string }>(
      `SELECT type FROM auth.audit_events WHERE type = 'REFRESH_TOKEN_REUSED' AND user_id = (SELECT id FROM auth.users WHERE email = $1)`,
      ["victim@example.com"],
    );
    expect(event).toEqual({ type: "REFRESH_TOKEN_REUSED" });
  });

  it("two refreshes racing with one token: one wins, and the race counts as reuse", async () => {
    const { tokens } = await program("racer@example.com");
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => t.client({ origin: null }).api.auth.refreshToken({ refreshToken: tokens.refreshToken })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [session] = await t.db.sql.query<{ revoked_at: Date | null }>(
      `SELECT revoked_at FROM auth.sessions WHERE kind = 'API' AND user_id = (SELECT id FROM auth.users WHERE email = $1)`,
      ["racer@example.com"],
    );
    expect(session!.revoked_at).not.toBeNull();
  });
});

describe("revocation reaches every credential at once", () => {
  it("a deactivated member's cookie and JWT both stop working on the next request", async () => {
    const admin = await t.signUpAdmin("Deactivation Bar", "boss@example.com");
    const tokens = await t.client({ origin: null }).api.auth.issueToken({ email: "boss@example.com", password: STRONG_PASSWORD });
    expect((await admin.api.auth.me()).user.email).toBe("boss@example.com");
    expect((await t.bearer(tokens.accessToken).auth.me()).user.email).toBe("boss@example.com");

    await t.db.sql.query(`UPDATE auth.memberships SET status = 'DEACTIVATED' WHERE user_id = $1`, [admin.me.user.id]);

    expect((await refusal(admin.api.auth.me())).code).toBe("UNAUTHORIZED");
    expect((await refusal(t.bearer(tokens.accessToken).auth.me())).code).toBe("UNAUTHORIZED");
    expect((await refusal(t.client({ origin: null }).api.auth.refreshToken({ refreshToken: tokens.refreshToken }))).code).toBe(
      "UNAUTHORIZED",
    );
    // The same answer as a wrong password, whichever was typed: it must not confirm the password.
    const rightPassword = await refusal(t.client().api.auth.login({ email: "boss@example.com", password: STRONG_PASSWORD }));
    const wrongPassword = await refusal(t.client().api.auth.login({ email: "boss@example.com", password: "not the password" }));
    expect(rightPassword).toEqual(wrongPassword);
    expect(rightPassword).toMatchObject({ code: "UNAUTHORIZED", message: "Email or password is incorrect." });
    expect(
      (await refusal(t.client({ origin: null }).api.auth.issueToken({ email: "boss@example.com", password: STRONG_PASSWORD }))).code,
    ).toBe("UNAUTHORIZED");
  });

  it("sign out everywhere ends browser and program sessions alike", async () => {
    const { person, tokens } = await program("everywhere@example.com");
    expect(await person.api.auth.logoutEverywhere()).toEqual({ sessionsEnded: 2 });
    expect((await refusal(t.bearer(tokens.accessToken).auth.me())).code).toBe("UNAUTHORIZED");
    expect((await refusal(person.api.auth.me())).code).toBe("UNAUTHORIZED");
  });
});
