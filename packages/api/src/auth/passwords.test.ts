import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecretToken, hashSecretToken } from "../lib/secrets";
import type { RenderedMessage } from "../notifications/sender";
import { countMessagesTo, messagesTo, tokenIn } from "../notifications/testing";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";

const NEW_PASSWORD = "violet umbrella marches north 7";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

/** The messages queued for an address, oldest first, as they would arrive. */
async function outbox(recipient: string) {
  return (await messagesTo(t, recipient)).reverse();
}

const linkToken = (message: RenderedMessage) => tokenIn(message, "/reset-password");

describe("password hashes", () => {
  it("are argon2id, and the password itself is nowhere in the database", async () => {
    const person = await t.signUp({ email: "hashed@example.com" });
    const [row] = await t.db.sql.query<{ password_hash: string }>(`SELECT password_hash FROM auth.users WHERE id = $1`, [
      person.me.user.id,
    ]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const dump = JSON.stringify(await t.db.sql.query(`SELECT * FROM auth.users`));
    expect(dump).not.toContain(STRONG_PASSWORD);
  });
});

describe("changing a password", () => {
  it("needs the current one, refuses weak ones, and ends every other session", async () => {
    const phone = await t.signUp({ email: "changer@example.com", name: "Chang Er" });
    const laptop = t.client();
    await laptop.api.auth.login({ email: "changer@example.com", password: STRONG_PASSWORD });
    const tokens = await t.client({ origin: null }).api.auth.issueToken({ email: "changer@example.com", password: STRONG_PASSWORD });

    expect(await refusal(phone.api.auth.changePassword({ currentPassword: "not my password", newPassword: NEW_PASSWORD }))).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { currentPassword: ["That is not your current password."] },
    });
    const weak = await refusal(phone.api.auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: "changer12345" }));
    expect(weak.fieldErrors.newPassword).toEqual(["Don't build the password from your name or email address."]);

    expect(await phone.api.auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD })).toEqual({ changed: true });
    expect((await phone.api.auth.me()).user.email).toBe("changer@example.com");
    expect((await refusal(laptop.api.auth.me())).code).toBe("UNAUTHORIZED");
    expect((await refusal(t.bearer(tokens.accessToken).auth.me())).code).toBe("UNAUTHORIZED");
    expect((await refusal(t.client().api.auth.login({ email: "changer@example.com", password: STRONG_PASSWORD }))).code).toBe(
      "UNAUTHORIZED",
    );
    await t.client().api.auth.login({ email: "changer@example.com", password: NEW_PASSWORD });
  });
});

describe("resetting a forgotten password", () => {
  it("answers the same whether or not the email has an account, and only sends to real ones", async () => {
    await t.signUp({ email: "forgetful@example.com", name: "Fay" });
    const known = await t.client().api.auth.requestPasswordReset({ email: "Forgetful@example.com" });
    const unknown = await t.client().api.auth.requestPasswordReset({ email: "nobody-here@example.com" });
    expect(known).toEqual(unknown);
    expect(known.message).toBe("If an account exists for that email, we have sent it a link to choose a new password.");

    expect(await outbox("nobody-here@example.com")).toEqual([]);
    const [message] = await outbox("forgetful@example.com");
    expect(message).toMatchObject({ template: "password-reset", subject: "Choose a new QRcoats password" });
    expect(message!.text).toMatch(/^Hello Fay,/);
    expect(message!.text).toContain("http://qrcoats.test/reset-password?token=");
  });

  it("a reset link works once, sets the password and signs out every session", async () => {
    const before = await t.signUp({ email: "resetter@example.com" });
    await t.client().api.auth.requestPasswordReset({ email: "resetter@example.com" });
    const token = linkToken((await outbox("resetter@example.com"))[0]!);
    const [stored] = await t.db.sql.query<{ token_hash: string }>(`SELECT token_hash FROM auth.password_reset_tokens`);
    expect(stored!.token_hash).not.toBe(token);

    expect(await t.client().api.auth.resetPassword({ token, password: NEW_PASSWORD })).toEqual({ reset: true });
    expect((await refusal(before.api.auth.me())).code).toBe("UNAUTHORIZED");
    await t.client().api.auth.login({ email: "resetter@example.com", password: NEW_PASSWORD });

    expect(await refusal(t.client().api.auth.resetPassword({ token, password: "another strong passphrase 9" }))).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { token: ["This reset link is invalid or has expired. Ask for a new one."] },
    });
  });

  it("expires, and refuses a weak new password without spending the link", async () => {
    await t.signUp({ email: "slow@example.com" });
    await t.client().api.auth.requestPasswordReset({ email: "slow@example.com" });
    const token = linkToken((await outbox("slow@example.com"))[0]!);

    expect((await refusal(t.client().api.auth.resetPassword({ token, password: "password123" }))).fieldErrors.password).toBeDefined();
    t.clock.advance(31 * 60_000);
    expect((await refusal(t.client().api.auth.resetPassword({ token, password: NEW_PASSWORD }))).fieldErrors.token).toBeDefined();
    expect((await refusal(t.client().api.auth.resetPassword({ token: "made-up", password: NEW_PASSWORD }))).code).toBe("BAD_REQUEST");
  });

  it("racing uses of one link: exactly one sets the password", async () => {
    await t.signUp({ email: "race-reset@example.com" });
    await t.client().api.auth.requestPasswordReset({ email: "race-reset@example.com" });
    const token = linkToken((await outbox("race-reset@example.com"))[0]!);
    const passwords = Array.from({ length: 6 }, (_, i) => `${NEW_PASSWORD} variant ${i}`);
    const results = await Promise.allSettled(passwords.map((password) => t.client().api.auth.resetPassword({ token, password })));
    const winners = passwords.filter((_, i) => results[i]!.status === "fulfilled");
    expect(winners).toHaveLength(1);
    await t.client().api.auth.login({ email: "race-reset@example.com", password: winners[0]! });
  });

  it("a newer request voids the earlier link, and withdraws its message if it has not gone yet", async () => {
    await t.signUp({ email: "twice@example.com" });
    await t.client().api.auth.requestPasswordReset({ email: "twice@example.com" });
    const [first] = (await outbox("twice@example.com")).map(linkToken);
    await t.client().api.auth.requestPasswordReset({ email: "twice@example.com" });
    // Two were queued; only the newer one is still to be sent.
    expect(await countMessagesTo(t, "twice@example.com", "password-reset")).toBe(2);
    const [second, ...others] = (await outbox("twice@example.com")).map(linkToken);
    expect(others).toEqual([]);
    expect((await refusal(t.client().api.auth.resetPassword({ token: first!, password: NEW_PASSWORD }))).fieldErrors.token).toEqual([
      "This reset link is invalid or has expired. Ask for a new one.",
    ]);
    expect(await t.client().api.auth.resetPassword({ token: second!, password: NEW_PASSWORD })).toEqual({ reset: true });
  });

  it("a password change voids every outstanding link", async () => {
    const person = await t.signUp({ email: "changed-mind@example.com" });
    await t.client().api.auth.requestPasswordReset({ email: "changed-mind@example.com" });
    const token = linkToken((await outbox("changed-mind@example.com"))[0]!);
    await person.api.auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD });
    expect(
      (await refusal(t.client().api.auth.resetPassword({ token, password: "another strong passphrase 9" }))).fieldErrors.token,
    ).toBeDefined();
    await t.client().api.auth.login({ email: "changed-mind@example.com", password: NEW_PASSWORD });
  });

  it("a reset voids every other outstanding link", async () => {
    const person = await t.signUp({ email: "two-links@example.com" });
    await t.client().api.auth.requestPasswordReset({ email: "two-links@example.com" });
    const token = linkToken((await outbox("two-links@example.com"))[0]!);
    // A second live link, as two requests racing each other could leave.
    const other = generateSecretToken();
    await t.db.prisma.passwordResetToken.create({
      data: { userId: person.me.user.id, tokenHash: hashSecretToken(other), expiresAt: new Date(t.clock.now().getTime() + 600_000) },
    });
    await t.client().api.auth.resetPassword({ token, password: NEW_PASSWORD });
    expect(
      (await refusal(t.client().api.auth.resetPassword({ token: other, password: "another strong passphrase 9" }))).fieldErrors.token,
    ).toBeDefined();
    await t.client().api.auth.login({ email: "two-links@example.com", password: NEW_PASSWORD });
  });
});
