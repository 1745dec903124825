import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, STRONG_PASSWORD, type TestApi } from "../testing";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

/** Every string anywhere in a value, with the path that leads to it. */
function* strings(value: unknown, path = "$"): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      yield [`${path}.${key}`, key];
      yield* strings(item, `${path}.${key}`);
    }
  }
}

describe("what the auth procedures return", () => {
  it("never contains a password, a password hash or a stored token hash", async () => {
    const outputs: unknown[] = [];
    const keep = <T>(value: T) => (outputs.push(value), value);

    const admin = await t.signUp({ email: "walker@example.com", name: "Walker" });
    keep(admin.me);
    keep(await admin.api.org.create({ name: "Walkers" }));
    keep(await admin.api.auth.me());
    const browser = t.client();
    keep(await browser.api.auth.login({ email: "walker@example.com", password: STRONG_PASSWORD }));
    const program = t.client({ origin: null }).api;
    const tokens = keep(await program.auth.issueToken({ email: "walker@example.com", password: STRONG_PASSWORD }));
    const next = keep(await program.auth.refreshToken({ refreshToken: tokens.refreshToken }));
    keep(await program.auth.verifyToken({ token: next.accessToken }));
    keep(await t.bearer(next.accessToken).auth.me());
    keep(await browser.api.auth.requestPasswordReset({ email: "walker@example.com" }));
    keep(await admin.api.auth.logout());
    keep(await browser.api.auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: "a brand new passphrase 77" }));
    keep(await browser.api.auth.logoutEverywhere());

    const secrets = await t.db.sql.query<{ secret: string }>(`
      SELECT password_hash AS secret FROM auth.users WHERE password_hash IS NOT NULL
      UNION ALL SELECT token_hash FROM auth.sessions WHERE token_hash IS NOT NULL
      UNION ALL SELECT token_hash FROM auth.refresh_tokens
      UNION ALL SELECT token_hash FROM auth.password_reset_tokens`);
    expect(secrets.length).toBeGreaterThan(5);
    const forbidden = new Set([...secrets.map((row) => row.secret), STRONG_PASSWORD, "a brand new passphrase 77"]);

    for (const [path, text] of strings(outputs)) {
      expect(forbidden.has(text), `${path} leaks a secret`).toBe(false);
      expect(/hash|password/i.test(text) && path.endsWith(text), `${path} is a secret-looking key`).toBe(false);
    }
  });
});
