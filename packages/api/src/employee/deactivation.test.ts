import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";
import { createVenue, founder, hire } from "./testing";

const HOUR = 60 * 60 * 1000;

let t: TestApi;
let admin: Awaited<ReturnType<typeof founder>>;
let venue: { id: string; name: string };

beforeAll(async () => {
  t = await createTestApi();
  admin = await founder(t, "Club Exit", "owner@exit.example");
  venue = await createVenue(t, admin.organization.id, "Cloakroom");
});
afterAll(() => t.close());

describe("employee.deactivate", () => {
  it("cuts the cookie and the JWT off on the very next request, closes the shift and keeps history", async () => {
    const zoe = await hire(t, admin, { email: "zoe@exit.example", name: "Zoe", venueIds: [venue.id] });
    const program = t.client({ origin: null }).api;
    const tokens = await program.auth.issueToken({ email: "zoe@exit.example", password: STRONG_PASSWORD });
    const shift = await zoe.api.shift.clockIn({ venueId: venue.id });
    const task = await admin.api.task.create({ title: "Fold tickets", assigneeId: zoe.employeeId });
    await t.db.prisma.scanEvent.create({
      data: { organizationId: admin.organization.id, venueId: venue.id, employeeId: zoe.employeeId, action: "SCAN", result: "OK" },
    });
    expect((await zoe.api.employee.me()).id).toBe(zoe.employeeId);
    expect((await t.bearer(tokens.accessToken).employee.me()).id).toBe(zoe.employeeId);

    t.clock.advance(3 * HOUR);
    const deactivated = await admin.api.employee.deactivate({ employeeId: zoe.employeeId });
    expect(deactivated).toMatchObject({ id: zoe.employeeId, status: "DEACTIVATED", name: "Zoe", venues: [venue] });

    expect((await refusal(zoe.api.employee.me())).code).toBe("UNAUTHORIZED");
    expect((await refusal(zoe.api.shift.clockIn({ venueId: venue.id }))).code).toBe("UNAUTHORIZED");
    expect((await refusal(t.bearer(tokens.accessToken).employee.me())).code).toBe("UNAUTHORIZED");
    expect((await refusal(t.bearer(tokens.accessToken).task.list({}))).code).toBe("UNAUTHORIZED");
    expect((await refusal(program.auth.refreshToken({ refreshToken: tokens.refreshToken }))).code).toBe("UNAUTHORIZED");
    expect((await refusal(t.client().api.auth.login({ email: "zoe@exit.example", password: STRONG_PASSWORD }))).code).toBe("UNAUTHORIZED");

    const sessions = await t.db.sql.query<{ revoked_reason: string | null }>(
      `SELECT revoked_reason FROM auth.sessions WHERE user_id = $1`,
      [zoe.userId],
    );
    expect(sessions.length).toBe(2);
    expect(sessions.every((session) => session.revoked_reason === "deactivated")).toBe(true);
    const [membership] = await t.db.sql.query<{ status: string; deactivated_at: Date | null }>(
      `SELECT status, deactivated_at FROM auth.memberships WHERE user_id = $1`,
      [zoe.userId],
    );
    expect(membership!.status).toBe("DEACTIVATED");
    expect(membership!.deactivated_at).toBeInstanceOf(Date);

    const [closed] = await t.db.sql.query<{ ended_at: Date; auto_closed: boolean }>(
      `SELECT ended_at, auto_closed FROM employees.shifts WHERE id = $1`,
      [shift.id],
    );
    expect(closed!.auto_closed).toBe(true);
    expect(closed!.ended_at.getTime() - shift.startedAt.getTime()).toBeGreaterThanOrEqual(3 * HOUR);
    expect((await admin.api.shift.list({ employeeId: zoe.employeeId })).items.map((s) => s.id)).toEqual([shift.id]);
    expect((await admin.api.task.list({ assigneeId: zoe.employeeId })).items.map((x) => x.id)).toEqual([task.id]);
    const [{ n }] = (await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM qr.scan_events WHERE employee_id = $1`, [
      zoe.employeeId,
    ])) as [{ n: number }];
    expect(n).toBe(1);
    expect((await admin.api.employee.get({ employeeId: zoe.employeeId })).status).toBe("DEACTIVATED");

    const [event] = await t.db.sql.query<{ detail: { employeeId: string; sessionsEnded: number } }>(
      `SELECT detail FROM auth.audit_events WHERE type = 'EMPLOYEE_DEACTIVATED'`,
    );
    expect(event!.detail).toEqual({ employeeId: zoe.employeeId, sessionsEnded: 2 });

    expect(await refusal(admin.api.employee.deactivate({ employeeId: zoe.employeeId }))).toMatchObject({
      code: "CONFLICT",
      message: "Zoe is already deactivated.",
    });
  });

  it("reactivation lets the person sign in again, but no old credential comes back", async () => {
    const yan = await hire(t, admin, { email: "yan@exit.example", name: "Yan" });
    await admin.api.employee.deactivate({ employeeId: yan.employeeId });
    expect((await admin.api.employee.reactivate({ employeeId: yan.employeeId })).status).toBe("ACTIVE");
    expect((await refusal(yan.api.employee.me())).code).toBe("UNAUTHORIZED");
    const again = t.client();
    await again.api.auth.login({ email: "yan@exit.example", password: STRONG_PASSWORD });
    expect((await again.api.employee.me()).status).toBe("ACTIVE");
    expect(await refusal(admin.api.employee.reactivate({ employeeId: yan.employeeId }))).toMatchObject({
      code: "CONFLICT",
      message: "Yan is already active.",
    });
  });

  it("nobody deactivates themself, and an organization keeps an active admin", async () => {
    expect(await refusal(admin.api.employee.deactivate({ employeeId: admin.employeeId }))).toMatchObject({
      code: "CONFLICT",
      message: "You cannot deactivate yourself. Ask another admin.",
    });

    const org = await founder(t, "Duel Club", "duel-a@example.com");
    const other = await hire(t, org, { email: "duel-b@example.com", role: "ADMIN" });
    const results = await Promise.allSettled([
      org.api.employee.deactivate({ employeeId: other.employeeId }),
      other.api.employee.deactivate({ employeeId: org.employeeId }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    // The loser either lost the lock race (last admin) or its own access (deactivated first).
    expect(["CONFLICT", "UNAUTHORIZED"]).toContain(rejected?.reason.code);
    const active = await t.db.sql.query(
      `SELECT id FROM auth.memberships WHERE organization_id = $1 AND role = 'ADMIN' AND status = 'ACTIVE'`,
      [org.organization.id],
    );
    expect(active).toHaveLength(1);
  });
});
