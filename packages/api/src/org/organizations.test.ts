import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hire } from "../employee/testing";
import { createTestApi, refusal, type TestApi } from "../testing";

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

describe("org.create", () => {
  it("makes the caller its first admin, with the staff record every member has", async () => {
    const founder = await t.signUp({ email: "founder@example.com", name: "Fran Founder" });
    const { organization, role } = await founder.api.org.create({ name: "  Night Owl  " });
    expect({ name: organization.name, role }).toEqual({ name: "Night Owl", role: "ADMIN" });
    expect(organization.createdAt).toEqual(expect.any(Date));
    expect((await founder.api.auth.me()).membership).toEqual({ role: "ADMIN", organization: { id: organization.id, name: "Night Owl" } });
    expect(await founder.api.employee.me()).toMatchObject({
      userId: founder.me.user.id,
      name: "Fran Founder",
      email: "founder@example.com",
      role: "ADMIN",
      status: "ACTIVE",
      position: "Owner",
      venues: [],
    });
  });

  it("is audited, with the organization and where the request came from", async () => {
    const founder = await t.signUp({ email: "audited@example.com" }, { address: "198.51.100.7" });
    const { organization } = await founder.api.org.create({ name: "Audited Ltd" });
    const { items } = await founder.api.audit.list({ type: "ORGANIZATION_CREATED" });
    expect(items).toEqual([
      expect.objectContaining({
        type: "ORGANIZATION_CREATED",
        user: { id: founder.me.user.id, name: "audited" },
        ipAddress: "198.51.100.7",
      }),
    ]);
    const [stored] = await t.db.sql.query<{ organizationId: string }>(
      `SELECT organization_id AS "organizationId" FROM auth.audit_events WHERE type = 'ORGANIZATION_CREATED' AND user_id = $1::uuid`,
      [founder.me.user.id],
    );
    expect(stored?.organizationId).toBe(organization.id);
  });

  it("once: a member of an organization, admin or employee, cannot start another", async () => {
    const founder = await t.signUp({ email: "once@example.com" });
    const { organization } = await founder.api.org.create({ name: "First" });
    expect(await refusal(founder.api.org.create({ name: "Second" }))).toMatchObject({
      code: "CONFLICT",
      message: "You already belong to an organization.",
    });
    const employee = await hire(t, { ...founder, organization }, { email: "staff@once.example" });
    expect(await refusal(employee.api.org.create({ name: "Side Business" }))).toMatchObject({ code: "CONFLICT" });
    const [{ n }] = (await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM auth.organizations WHERE name IN ('Second', 'Side Business')`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it("two creations at once leave one organization and one membership", async () => {
    const founder = await t.signUp({ email: "double@example.com" });
    const results = await Promise.allSettled([founder.api.org.create({ name: "One" }), founder.api.org.create({ name: "Two" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason.code).toBe("CONFLICT");
    const [counts] = await t.db.sql.query<{ organizations: number; memberships: number; employees: number }>(
      `SELECT (SELECT count(*)::int FROM auth.organizations WHERE name IN ('One', 'Two')) AS organizations,
              (SELECT count(*)::int FROM auth.memberships m JOIN auth.users u ON u.id = m.user_id WHERE u.email = 'double@example.com') AS memberships,
              (SELECT count(*)::int FROM employees.employees WHERE email = 'double@example.com') AS employees`,
    );
    expect(counts).toEqual({ organizations: 1, memberships: 1, employees: 1 });
  });

  it("refuses anonymous callers and names that are too short or too long", async () => {
    expect((await refusal(t.client().api.org.create({ name: "Anonymous Inc" }))).code).toBe("UNAUTHORIZED");
    const someone = await t.signUp({ email: "namer@example.com" });
    expect((await refusal(someone.api.org.create({ name: " X " }))).fieldErrors).toEqual({ name: ["Use at least 2 characters."] });
    expect((await refusal(someone.api.org.create({ name: "x".repeat(101) }))).fieldErrors).toEqual({
      name: ["Use at most 100 characters."],
    });
    expect((await someone.api.auth.me()).membership).toBeNull();
  });
});
