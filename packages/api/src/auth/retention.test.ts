import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverPending, enqueue, type OutgoingMessage } from "../notifications/outbox";
import { PermanentDeliveryError } from "../notifications/sender";
import { countMessagesTo } from "../notifications/testing";
import { createTestApi, STRONG_PASSWORD, type TestApi } from "../testing";
import { deleteExpiredAuthRecords } from "./retention";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

const DAY = 24 * 60 * 60 * 1000;

async function counts() {
  const [row] = await t.db.sql.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM auth.audit_events) AS "auditEvents",
            (SELECT count(*)::int FROM auth.sessions) AS sessions,
            (SELECT count(*)::int FROM auth.refresh_tokens) AS "refreshTokens",
            (SELECT count(*)::int FROM auth.password_reset_tokens) AS "resetTokens",
            (SELECT count(*)::int FROM auth.rate_limit_buckets) AS "rateLimitBuckets",
            (SELECT count(*)::int FROM auth.notification_outbox) AS messages`,
  );
  return row!;
}

describe("the retention job", () => {
  it("deletes sign-in records past their periods, keeps the rest, and runs safely twice at once", async () => {
    // Old: a person whose session and token ended long ago, with a failed sign-in and a reset link.
    const old = await t.signUp({ email: "long-gone@example.com" });
    await t.client({ origin: null }).api.auth.issueToken({ email: "long-gone@example.com", password: STRONG_PASSWORD });
    await t.client().api.auth.requestPasswordReset({ email: "long-gone@example.com" });
    await t
      .client({ address: "198.51.100.4" })
      .api.auth.login({ email: "long-gone@example.com", password: "a wrong guess" })
      .catch(() => null);
    await old.api.auth.logoutEverywhere();
    t.clock.advance(401 * DAY);

    // Recent: someone signed in now, with a live reset link and a counted failure.
    await t.signUp({ email: "here-now@example.com" });
    await t.client({ origin: null }).api.auth.issueToken({ email: "here-now@example.com", password: STRONG_PASSWORD });
    await t.client().api.auth.requestPasswordReset({ email: "here-now@example.com" });
    await t
      .client({ address: "198.51.100.5" })
      .api.auth.login({ email: "here-now@example.com", password: "a wrong guess" })
      .catch(() => null);
    const recent = await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM auth.audit_events WHERE occurred_at > now() + interval '300 days'`,
    );

    const before = await counts();
    const runs = await Promise.all([0, 1].map(() => deleteExpiredAuthRecords(t.deps)));
    const deleted = Object.fromEntries(
      Object.keys(runs[0]!).map((table) => [table, runs.reduce((sum, run) => sum + run[table as keyof typeof run], 0)]),
    );
    expect(deleted).toEqual({
      auditEvents: expect.any(Number),
      sessions: 2,
      refreshTokens: 1,
      resetTokens: 1,
      rateLimitBuckets: expect.any(Number),
      messages: 1,
    });
    expect(deleted.auditEvents).toBeGreaterThanOrEqual(5);
    expect(deleted.rateLimitBuckets).toBeGreaterThanOrEqual(1);
    const after = await counts();
    expect(after).toEqual({
      auditEvents: before.auditEvents! - deleted.auditEvents!,
      sessions: 2,
      refreshTokens: 1,
      resetTokens: 1,
      rateLimitBuckets: before.rateLimitBuckets! - deleted.rateLimitBuckets!,
      messages: 1,
    });
    expect(after.auditEvents).toBe(recent[0]!.n);
    expect(after.rateLimitBuckets).toBeGreaterThan(0);

    expect(await deleteExpiredAuthRecords(t.deps)).toEqual({
      auditEvents: 0,
      sessions: 0,
      refreshTokens: 0,
      resetTokens: 0,
      rateLimitBuckets: 0,
      messages: 0,
    });
  });

  it("deletes messages older than the message retention period, whatever became of them, and keeps younger ones", async () => {
    const api = await createTestApi({}, {}, { messageRetentionDays: 7 });
    try {
      const { keys } = api.config;
      const message = (to: string): OutgoingMessage => ({
        template: "password-reset",
        params: { name: "Old", token: "sometoken", validMinutes: 30 },
        channel: "email",
        to,
        audience: "GUEST",
        organizationId: null,
        expiresAt: new Date(api.clock.now().getTime() + 60_000),
      });
      await enqueue(
        api.db.prisma,
        keys,
        [message("sent@example.com"), message("waiting@example.com"), message("failed@example.com")],
        api.clock.now(),
      );
      await deliverPending(api.deps, {
        senders: [
          {
            channel: "email",
            via: "test",
            async send(sent) {
              if (sent.to === "failed@example.com") throw new PermanentDeliveryError("550 no");
              if (sent.to === "waiting@example.com") throw new Error("421 later");
              return {};
            },
          },
        ],
      });
      api.clock.advance(7 * DAY - 60_000);
      await enqueue(api.db.prisma, keys, [message("young@example.com")], api.clock.now());
      api.clock.advance(2 * 60_000);
      expect((await deleteExpiredAuthRecords(api.deps)).messages).toBe(3);
      expect(await countMessagesTo(api, "young@example.com")).toBe(1);
      expect(await api.db.prisma.notification.count()).toBe(1);
    } finally {
      await api.close();
    }
  });
});
