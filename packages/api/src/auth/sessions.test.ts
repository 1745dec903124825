import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken } from "../lib/secrets";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";

const DAY = 24 * 60 * 60 * 1000;

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

describe("browser sessions", () => {
  it("register signs the person in with an HttpOnly, SameSite=Lax cookie whose token is stored only as a hash", async () => {
    const browser = t.client();
    const me = await browser.api.auth.register({ email: " Ada@Example.COM ", name: "Ada", password: STRONG_PASSWORD });
    expect(me).toEqual({ user: { id: expect.any(String), email: "ada@example.com", name: "Ada" }, membership: null });

    const token = browser.cookies.get("qrcoats_session")!;
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const sessions = await t.db.sql.query<{ token_hash: string }>(`SELECT token_hash FROM auth.sessions WHERE user_id = $1`, [me.user.id]);
    expect(sessions).toEqual([{ token_hash: hashSecretToken(token) }]);
    const everything = JSON.stringify(await t.db.sql.query(`SELECT * FROM auth.sessions`));
    expect(everything).not.toContain(token);

    expect(await browser.api.auth.me()).toEqual(me);
    expect(browser.setCookieHeaders).toHaveLength(1);
    expect(browser.setCookieHeaders[0]).toMatch(/^qrcoats_session=[a-z2-7]{32}; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
  });

  it("over HTTPS the cookie is Secure and host-only (__Host- prefix)", async () => {
    await t.signUp({ email: "cyd@example.com" });
    const browser = t.client({ secure: true, origin: "https://qrcoats.test" });
    await browser.api.auth.login({ email: "cyd@example.com", password: STRONG_PASSWORD });
    expect(browser.setCookieHeaders[0]).toMatch(
      /^__Host-qrcoats_session=[a-z2-7]{32}; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Lax$/,
    );
  });

  it("slides: a session used after half its life is extended, an unused one expires", async () => {
    const active = await t.signUp({ email: "active@example.com" });
    const idle = await t.signUp({ email: "idle@example.com" });
    const before = await expiryOf(active.me.user.id);

    t.clock.advance(20 * DAY);
    await active.api.auth.me();
    const after = await expiryOf(active.me.user.id);
    expect(after.getTime() - before.getTime()).toBeGreaterThanOrEqual(20 * DAY - 1000);

    t.clock.advance(11 * DAY);
    expect(await active.api.auth.me()).toMatchObject({ user: { email: "active@example.com" } });
    expect((await refusal(idle.api.auth.me())).code).toBe("UNAUTHORIZED");
    expect(idle.cookies.has("qrcoats_session")).toBe(false);
  });

  it("sign-out ends the session for good, even if the old cookie is replayed", async () => {
    const browser = await t.signUp({ email: "leaving@example.com" });
    const token = browser.cookies.get("qrcoats_session")!;
    expect(await browser.api.auth.logout()).toEqual({ signedOut: true });
    expect(browser.cookies.has("qrcoats_session")).toBe(false);

    const replay = t.client();
    replay.cookies.set("qrcoats_session", token);
    expect(await refusal(replay.api.auth.me())).toMatchObject({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  });

  it("login with the right password starts a new session; wrong or unknown gets one and the same answer", async () => {
    await t.signUp({ email: "dora@example.com" });
    const browser = t.client();
    const me = await browser.api.auth.login({ email: "DORA@example.com", password: STRONG_PASSWORD });
    expect(me.user.email).toBe("dora@example.com");
    expect(browser.cookies.has("qrcoats_session")).toBe(true);

    const wrong = await refusal(t.client().api.auth.login({ email: "dora@example.com", password: "not it at all" }));
    const unknown = await refusal(t.client().api.auth.login({ email: "nobody@example.com", password: "not it at all" }));
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ code: "UNAUTHORIZED", message: "Email or password is incorrect." });
  });

  it("unknown email and wrong password take about the same time (both pay for argon2id)", async () => {
    await t.signUp({ email: "timing@example.com" });
    // Alternating the two, so that whatever else the machine is doing weighs on both alike.
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 7; i++) {
      for (const [kind, email] of [
        ["known", "timing@example.com"],
        ["unknown", "ghost@example.com"],
      ] as const) {
        const started = performance.now();
        await refusal(t.client({ address: `198.51.100.${i}` }).api.auth.login({ email, password: "wrong password here" }));
        times[kind].push(performance.now() - started);
      }
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[3]!;
    const ratio = median(times.unknown) / median(times.known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("sign-up refuses a taken email, bad input and easily guessed passwords with field messages", async () => {
    await t.signUp({ email: "taken@example.com" });
    expect(await refusal(t.client().api.auth.register({ email: "TAKEN@example.com", name: "X", password: STRONG_PASSWORD }))).toMatchObject(
      {
        code: "CONFLICT",
        message: "An account with this email already exists. Sign in, or reset your password.",
      },
    );
    const invalid = await refusal(t.client().api.auth.register({ email: "not-an-email", name: " ", password: "short" }));
    expect(invalid.code).toBe("BAD_REQUEST");
    expect(invalid.fieldErrors).toEqual({
      email: ["Enter a valid email address."],
      name: ["Enter your name."],
      password: ["Use at least 10 characters."],
    });
    for (const password of ["password1234", "qwertyuiop12", "aaaaaaaaaaaa", "jane.doe.1990"]) {
      const weak = await refusal(t.client().api.auth.register({ email: "jane.doe@example.com", name: "Jane Doe", password }));
      expect(weak.code, password).toBe("BAD_REQUEST");
      expect(weak.fieldErrors.password?.[0], password).toMatch(/\w/);
    }
  });
});

async function expiryOf(userId: string): Promise<Date> {
  const [row] = await t.db.sql.query<{ expires_at: Date }>(
    `SELECT expires_at FROM auth.sessions WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId],
  );
  return row!.expires_at;
}
