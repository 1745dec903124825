import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiConfig, generateKeys } from "../config";
import { createTestApi, refusal, refusalOf, STRONG_PASSWORD, type TestApi } from "../testing";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi({
    limits: {
      signInFailuresPerAccountAddress: { max: 3, windowSeconds: 600 },
      signInFailuresPerAddress: { max: 6, windowSeconds: 600 },
      signInFailuresPerAccount: { max: 8, windowSeconds: 3600 },
      signInsPerAccount: { max: 12, windowSeconds: 3600 },
      signInsPerAddress: { max: 1000, windowSeconds: 3600 },
      registrationsPerAddress: { max: 1000, windowSeconds: 3600 },
      passwordResetsPerAddress: { max: 1000, windowSeconds: 3600 },
      passwordResetsPerEmail: { max: 2, windowSeconds: 3600 },
    },
  });
});
afterAll(() => t.close());

const login = (email: string, password: string, address = "192.0.2.1") => t.client({ address }).api.auth.login({ email, password });

async function traces() {
  const [row] = await t.db.sql.query<{ buckets: string; audit: number }>(
    `SELECT (SELECT string_agg(key || '=' || hits || '+' || pending, ',' ORDER BY key) FROM auth.rate_limit_buckets) AS buckets,
            (SELECT count(*)::int FROM auth.audit_events) AS audit`,
  );
  return row!;
}

describe("sign-in guessing (counted in the database, shared by every host)", () => {
  it("locks out the guesser's address only: the owner signs in from another address, the guesser stays refused", async () => {
    await t.signUp({ email: "owner@example.com" }, { address: "192.0.2.200" });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect((await refusal(login("owner@example.com", `wrong guess ${attempt}`, "198.51.100.66"))).code).toBe("UNAUTHORIZED");
    }
    for (let attempt = 1; attempt <= 5; attempt++) {
      const limited = await refusal(login("owner@example.com", STRONG_PASSWORD, "198.51.100.66"));
      expect(limited).toMatchObject({ code: "TOO_MANY_REQUESTS", message: "Too many sign-in attempts. Try again in 10 minutes." });
      expect(limited.retryAfterSeconds).toBeGreaterThan(590);
    }
    // The owner, from their usual address and from one they never used.
    expect((await login("owner@example.com", STRONG_PASSWORD, "192.0.2.200")).user.email).toBe("owner@example.com");
    expect((await login("owner@example.com", STRONG_PASSWORD, "192.0.2.201")).user.email).toBe("owner@example.com");
    expect(
      (
        await t
          .client({ origin: null, address: "192.0.2.202" })
          .api.auth.issueToken({ email: "owner@example.com", password: STRONG_PASSWORD })
      ).tokenType,
    ).toBe("Bearer");
    // Issuing tokens is signing in too: the guesser is refused there as well.
    expect(
      (
        await refusal(
          t
            .client({ origin: null, address: "198.51.100.66" })
            .api.auth.issueToken({ email: "owner@example.com", password: STRONG_PASSWORD }),
        )
      ).code,
    ).toBe("TOO_MANY_REQUESTS");
    t.clock.advance(600_000 + 1000);
    expect((await login("owner@example.com", STRONG_PASSWORD, "198.51.100.66")).user.email).toBe("owner@example.com");
  });

  it("bounds guessing spread over many addresses, without refusing an address the account signed in from", async () => {
    await t.signUp({ email: "spread@example.com" }, { address: "192.0.2.210" });
    const results = [];
    for (let i = 0; i < 12; i++) results.push((await refusal(login("spread@example.com", `guess ${i}`, `10.0.${i}.1`))).code);
    // At most signInFailuresPerAccount (8 here) password checks per window from new addresses.
    expect(results).toEqual([...Array<string>(8).fill("UNAUTHORIZED"), ...Array<string>(4).fill("TOO_MANY_REQUESTS")]);
    expect((await refusal(login("spread@example.com", STRONG_PASSWORD, "10.0.99.1"))).code).toBe("TOO_MANY_REQUESTS");
    expect((await login("spread@example.com", STRONG_PASSWORD, "192.0.2.210")).user.email).toBe("spread@example.com");
  });

  it("counts failures per client address across accounts", async () => {
    for (let i = 0; i < 6; i++) {
      expect((await refusal(login(`guess${i}@example.com`, "wrong", "198.51.100.7"))).code).toBe("UNAUTHORIZED");
    }
    expect((await refusal(login("guess7@example.com", "wrong", "198.51.100.7"))).code).toBe("TOO_MANY_REQUESTS");
    expect((await refusal(login("guess7@example.com", "wrong", "198.51.100.8"))).code).toBe("UNAUTHORIZED");
  });

  it("forgives the owner's own slips on an address once they sign in there", async () => {
    await t.signUp({ email: "staff@example.com" }, { address: "203.0.113.200" });
    await refusal(login("staff@example.com", "typo", "203.0.113.5"));
    await refusal(login("staff@example.com", "typo", "203.0.113.5"));
    await login("staff@example.com", STRONG_PASSWORD, "203.0.113.5");
    await refusal(login("staff@example.com", "typo", "203.0.113.5"));
    await refusal(login("staff@example.com", "typo", "203.0.113.5"));
    // Two failures since the success: under the pair's limit of three.
    for (let i = 0; i < 4; i++) await login("staff@example.com", STRONG_PASSWORD, "203.0.113.5");
  });

  it("holds under concurrent guessing: no more password checks get through than the limit allows", async () => {
    await t.signUp({ email: "burst@example.com" }, { address: "203.0.113.201" });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refusal(login("burst@example.com", `guess-${i}`, "10.9.0.1"))));
    expect(results.filter((r) => r.code === "UNAUTHORIZED")).toHaveLength(3);
    expect(results.filter((r) => r.code === "TOO_MANY_REQUESTS")).toHaveLength(17);
  });

  it("never counts simultaneous correct sign-ins as failures", async () => {
    await t.signUp({ email: "parallel@example.com" }, { address: "203.0.113.202" });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => login("parallel@example.com", STRONG_PASSWORD, "203.0.113.60")),
    );
    for (const outcome of outcomes) {
      // More at once than the failure limit: the excess waits for the others to finish, a second.
      if (outcome.status === "rejected")
        expect(refusalOf(outcome.reason)).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: 1 });
    }
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled").length).toBeGreaterThanOrEqual(3);
    const [pair] = await t.db.sql.query<{ hits: number; pending: number }>(
      `SELECT hits, pending FROM auth.rate_limit_buckets WHERE key = 'sign-in:pair:parallel@example.com 203.0.113.60'`,
    );
    expect(pair ?? { hits: 0, pending: 0 }).toEqual({ hits: 0, pending: 0 });
    const [address] = await t.db.sql.query<{ hits: number; pending: number }>(
      `SELECT hits, pending FROM auth.rate_limit_buckets WHERE key = 'sign-in:address:203.0.113.60'`,
    );
    expect(address).toEqual({ hits: 0, pending: 0 });
  });
});

describe("successful sign-ins", () => {
  it("are limited per account, before the password is checked, and a refused attempt writes nothing", async () => {
    await t.signUp({ email: "busy@example.com" }, { address: "203.0.113.203" });
    for (let i = 0; i < 12; i++)
      await t
        .client({ origin: null, address: "203.0.113.203" })
        .api.auth.issueToken({ email: "busy@example.com", password: STRONG_PASSWORD });
    const before = await traces();
    const started = performance.now();
    const limited = await refusal(
      t.client({ origin: null, address: "203.0.113.203" }).api.auth.issueToken({ email: "busy@example.com", password: STRONG_PASSWORD }),
    );
    const elapsed = performance.now() - started;
    expect(limited).toMatchObject({ code: "TOO_MANY_REQUESTS", message: "Too many sign-in attempts. Try again in 60 minutes." });
    expect(await traces()).toEqual(before);
    // Refused ahead of the argon2 work: guessing on a refused account costs the server nothing.
    expect((await refusal(login("busy@example.com", "a wrong guess", "203.0.113.77"))).code).toBe("TOO_MANY_REQUESTS");
    expect(await traces()).toEqual(before);
    expect(elapsed).toBeLessThan(1000);
  });

  it("refused guessing writes no audit rows and no counters", async () => {
    await t.signUp({ email: "quiet@example.com" }, { address: "203.0.113.204" });
    for (let i = 0; i < 3; i++) await refusal(login("quiet@example.com", `wrong ${i}`, "198.51.100.90"));
    const before = await traces();
    for (let i = 0; i < 10; i++)
      expect((await refusal(login("quiet@example.com", `wrong again ${i}`, "198.51.100.90"))).code).toBe("TOO_MANY_REQUESTS");
    expect(await traces()).toEqual(before);
  });
});

describe("account requests", () => {
  it("limit reset links per email, whether or not it has an account, and write nothing when refused", async () => {
    await t.signUp({ email: "inbox@example.com" }, { address: "203.0.113.205" });
    for (const email of ["inbox@example.com", "no-account@example.com"]) {
      for (let i = 0; i < 2; i++) await t.client({ address: `192.0.2.${70 + i}` }).api.auth.requestPasswordReset({ email });
      const before = await traces();
      expect((await refusal(t.client({ address: "192.0.2.99" }).api.auth.requestPasswordReset({ email }))).code).toBe("TOO_MANY_REQUESTS");
      expect(await traces()).toEqual(before);
    }
  });

  it("by default let hundreds of guests behind one venue Wi-Fi address sign up, sign in and ask for links", () => {
    const { jwtSecret, ...keys } = generateKeys();
    const { limits } = createApiConfig({ publicUrl: "http://qrcoats.test", jwtSecret, keys }).auth;
    for (const perAddress of [limits.registrationsPerAddress, limits.signInsPerAddress])
      expect(perAddress).toEqual({ max: 1000, windowSeconds: 3600 });
    expect(limits.passwordResetsPerAddress).toEqual({ max: 200, windowSeconds: 3600 });
  });
});
