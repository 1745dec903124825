import { createTestApi, type TestApi } from "@qrcoats/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoSignIns, seedDemoIfEmpty } from "./index";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

const counts = (sql: string) =>
  t.db.sql.query<{ key: string; n: number }>(sql).then((rows) => Object.fromEntries(rows.map((row) => [row.key, row.n])));

describe("the demo organization", () => {
  it("shows every feature: tickets in every state, every counter action, refusals, tasks, shifts", async () => {
    expect(await seedDemoIfEmpty(t.services)).toBe(true);

    expect(await counts(`SELECT state::text AS key, count(*)::int AS n FROM qr.tickets GROUP BY 1`)).toEqual({
      ISSUED: 1,
      CHECKED_IN: 7,
      RETURNED: 39,
      VOIDED: 1,
      FORGOTTEN: 3,
    });
    const actions = await counts(`SELECT action AS key, count(*)::int AS n FROM qr.scan_events GROUP BY 1`);
    for (const action of ["ISSUE", "SCAN", "CHECK_IN", "CHECK_OUT", "SWAP", "DETACH", "VOID", "FORGET"]) {
      expect(actions[action], action).toBeGreaterThan(0);
    }
    expect(await counts(`SELECT reason AS key, count(*)::int AS n FROM qr.scan_events WHERE reason IS NOT NULL GROUP BY 1`)).toEqual({
      UNKNOWN_CODE: 1,
      WRONG_VENUE: 1,
      ALREADY_RETURNED: 2,
    });
    // Tonight a counter worked offline for a while: its actions synced later, one of them a conflict.
    expect(await counts(`SELECT result AS key, count(*)::int AS n FROM qr.scan_events WHERE taken_offline GROUP BY 1`)).toEqual({
      OK: 4,
      REFUSED: 1,
    });
    expect(await counts(`SELECT status::text AS key, count(*)::int AS n FROM employees.tasks GROUP BY 1`)).toEqual({
      TODO: 2,
      IN_PROGRESS: 1,
      DONE: 1,
      CANCELLED: 1,
    });
    expect(await counts(`SELECT (ended_at IS NULL)::text AS key, count(*)::int AS n FROM employees.shifts GROUP BY 1`)).toEqual({
      true: 1,
      false: 2,
    });
    expect(
      await counts(`SELECT payment_status::text AS key, count(*)::int AS n FROM qr.tickets WHERE payment_status <> 'UNPAID' GROUP BY 1`),
    ).toMatchObject({
      PAID_CASH: expect.any(Number),
      PAID_CARD: expect.any(Number),
      PREPAID: expect.any(Number),
    });
    expect(await counts(`SELECT template AS key, count(*)::int AS n FROM auth.notification_outbox GROUP BY 1`)).toEqual({
      "employee-invitation": 4,
      "forgotten-items": 1,
    });
    expect(
      await counts(`SELECT type AS key, count(*)::int AS n FROM auth.audit_events WHERE type LIKE 'SIGN_IN%' GROUP BY 1`),
    ).toMatchObject({ SIGN_IN_FAILED: 1 });
  });

  it("has messages in every state for the admin's Messages section: sent, waiting with a reason, failed for good", async () => {
    const ada = t.client();
    await ada.api.auth.login({ email: "ada@demo.qrcoats.example", password: DEMO_PASSWORD });
    const { items } = await ada.api.messages.list({});
    const shown = items.map((item) => [item.template, item.to, item.status, item.attempts, item.lastError, item.deliveredVia]);
    expect(shown.sort()).toEqual(
      [
        ["employee-invitation", "ben@demo.qrcoats.example", "SENT", 1, null, "demo"],
        ["employee-invitation", "cleo@demo.qrcoats.example", "SENT", 1, null, "demo"],
        [
          "employee-invitation",
          "dev@demo.qrcoats.example",
          "FAILED",
          1,
          "Not delivered before it expired (421 4.2.1 Mailbox busy, try again later).",
          null,
        ],
        ["employee-invitation", "dev@demo.qrcoats.example", "PENDING", 5, "421 4.2.1 Mailbox busy, try again later", null],
        ["forgotten-items", null, "FAILED", 1, "550 5.1.1 Mailbox unavailable", null],
      ].sort(),
    );
    const waiting = items.find((item) => item.status === "PENDING")!;
    // Dev's next attempt is hours away: the panel shows it waiting, and the admin can pass the link on.
    expect(waiting.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(5 * 60 * 60 * 1000);
    expect((await ada.api.employee.invitationLink({ employeeId: waiting.employeeId! })).link).toMatch(/\/accept-invitation\?token=/);
  });

  it("prints sign-ins that work, for the people who can sign in", async () => {
    const signIns = (await demoSignIns(t.services, "http://localhost:3000"))!;
    expect(
      signIns
        .split("\n")
        .slice(1)
        .map((line) => line.trim().split(/\s+/).slice(0, 2)),
    ).toEqual([
      ["admin", "ada@demo.qrcoats.example"],
      ["attendant", "ben@demo.qrcoats.example"],
      ["attendant", "cleo@demo.qrcoats.example"],
      ["guest", "gus@demo.qrcoats.example"],
    ]);
    const cleo = await t.client().api.auth.login({ email: "cleo@demo.qrcoats.example", password: DEMO_PASSWORD });
    expect(cleo.membership).toMatchObject({ role: "EMPLOYEE", organization: { name: "Demo Nightclub" } });
  });

  it("is made once: a database with people in it is left alone", async () => {
    expect(await seedDemoIfEmpty(t.services)).toBe(false);
    // The admin, Ben, Cleo and Gus: Dev's invitation is open, and makes no account before it is accepted.
    expect(await counts(`SELECT 'users' AS key, count(*)::int AS n FROM auth.users`)).toEqual({ users: 4 });
  });
});
