import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi({
    limits: {
      signInPerAccount: { max: 3, windowSeconds: 600 },
      signInPerAddress: { max: 6, windowSeconds: 600 },
      accountRequestsPerAddress: { max: 50, windowSeconds: 3600 },
    },
  });
});
afterAll(() => t.close());

const login = (email: string, password: string, address = "192.0.2.1") =>
  t.client({ address }).api.auth.login({ email, password });

describe("sign-in rate limits (stored in the database, shared by every host)", () => {
  it("trip after the set number of failures for an account, refuse even the right password, and lift after the window", async () => {
    await t.signUp({ email: "target@example.com" }, { address: "192.0.2.99" });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect((await refusal(login("target@example.com", "wrong guess", `192.0.2.${attempt}`))).code).toBe("UNAUTHORIZED");
    }
    const limited = await refusal(login("target@example.com", STRONG_PASSWORD, "192.0.2.50"));
    expect(limited).toMatchObject({ code: "TOO_MANY_REQUESTS", message: "Too many failed sign-ins. Try again in 10 minutes." });
    expect(limited.retryAfterSeconds).toBe(600);

    t.clock.advance(5 * 60_000);
    expect((await refusal(login("target@example.com", STRONG_PASSWORD, "192.0.2.51"))).retryAfterSeconds).toBe(300);
    // Issuing tokens is signing in too.
    expect((await refusal(t.client({ origin: null }).api.auth.issueToken({ email: "target@example.com", password: STRONG_PASSWORD }))).code).toBe(
      "TOO_MANY_REQUESTS",
    );

    t.clock.advance(5 * 60_000 + 1000);
    expect((await login("target@example.com", STRONG_PASSWORD, "192.0.2.52")).user.email).toBe("target@example.com");
  });

  it("count failures per client address across accounts", async () => {
    for (let i = 0; i < 6; i++) {
      expect((await refusal(login(`guess${i}@example.com`, "wrong", "198.51.100.7"))).code).toBe("UNAUTHORIZED");
    }
    expect((await refusal(login("guess7@example.com", "wrong", "198.51.100.7"))).code).toBe("TOO_MANY_REQUESTS");
    expect((await refusal(login("guess7@example.com", "wrong", "198.51.100.8"))).code).toBe("UNAUTHORIZED");
  });

  it("a success clears the account's failures and does not count against a shared address", async () => {
    await t.signUp({ email: "staff@example.com" }, { address: "203.0.113.200" });
    await refusal(login("staff@example.com", "typo", "203.0.113.5"));
    await refusal(login("staff@example.com", "typo", "203.0.113.5"));
    await login("staff@example.com", STRONG_PASSWORD, "203.0.113.5");
    await refusal(login("staff@example.com", "typo", "203.0.113.5"));
    await refusal(login("staff@example.com", "typo", "203.0.113.5"));
    // Two failures since the success: under the account's limit of three.
    for (let i = 0; i < 4; i++) await login("staff@example.com", STRONG_PASSWORD, "203.0.113.5");
  });

  it("holds under concurrent guessing: no more password checks get through than the limit allows", async () => {
    await t.signUp({ email: "burst@example.com" }, { address: "203.0.113.201" });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refusal(login("burst@example.com", `guess-${i}`, `10.9.${i}.1`))),
    );
    expect(results.filter((r) => r.code === "UNAUTHORIZED")).toHaveLength(3);
    expect(results.filter((r) => r.code === "TOO_MANY_REQUESTS")).toHaveLength(17);
  });

  it("records failures and limits in the audit log", async () => {
    const events = await t.db.sql.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM auth.audit_events WHERE email = 'target@example.com' GROUP BY type ORDER BY type`,
    );
    expect(events).toEqual([
      { type: "SIGN_IN", n: 2 },
      { type: "SIGN_IN_FAILED", n: 3 },
      { type: "SIGN_IN_RATE_LIMITED", n: 3 },
      { type: "USER_REGISTERED", n: 1 },
    ]);
  });
});
