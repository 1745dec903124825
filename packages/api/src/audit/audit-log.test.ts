import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../auth/audit";
import { encodeCursor } from "../lib/pagination";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";
import { founder, hire, type Staff } from "../employee/testing";

let t: TestApi;
let velvet: Awaited<ReturnType<typeof founder>>;
let rival: Awaited<ReturnType<typeof founder>>;
let ada: Staff;

beforeAll(async () => {
  t = await createTestApi();
  velvet = await founder(t, "Velvet Ltd", "owner@velvet.example");
  rival = await founder(t, "Rival Ltd", "owner@rival.example");
  ada = await hire(t, velvet, { email: "ada@velvet.example", name: "Ada Attendant" });
  const stranger = t.client();
  // A failed sign-in on a member's account, one with a member's address that has no account
  // behind it elsewhere, and the rival's own night.
  await refusal(stranger.api.auth.login({ email: "ada@velvet.example", password: "wrong password, surely" }));
  await refusal(stranger.api.auth.login({ email: "nobody@velvet.example", password: "wrong password, surely" }));
  // Sign-ins refused before any account is looked up carry only the address typed.
  await audit(t.db.prisma, { type: "SIGN_IN_RATE_LIMITED", email: "ada@velvet.example" }, undefined, t.clock.now());
  await audit(t.db.prisma, { type: "SIGN_IN_RATE_LIMITED", email: "nobody@velvet.example" }, undefined, t.clock.now());
  await t.client().api.auth.login({ email: "ada@velvet.example", password: STRONG_PASSWORD });
  await hire(t, rival, { email: "rob@rival.example", name: "Rob Rival" });
  await refusal(stranger.api.auth.login({ email: "rob@rival.example", password: "wrong password, surely" }));
});
afterAll(() => t.close());

describe("audit.list", () => {
  it("shows an admin the sign-ins and security events of their organization's people, newest first", async () => {
    const { items, nextCursor } = await velvet.api.audit.list();
    expect(nextCursor).toBeNull();
    expect(items.map((event) => [event.type, event.user?.name ?? null, event.email])).toEqual([
      ["SIGN_IN", "Ada Attendant", "ada@velvet.example"],
      ["SIGN_IN_RATE_LIMITED", null, "ada@velvet.example"],
      ["SIGN_IN_FAILED", "Ada Attendant", "ada@velvet.example"],
      ["INVITATION_ACCEPTED", "Ada Attendant", "ada@velvet.example"],
      ["EMPLOYEE_INVITED", "Admin of Velvet Ltd", "ada@velvet.example"],
      ["ORGANIZATION_CREATED", "Admin of Velvet Ltd", null],
      // Before the organization existed: the founder's own account, unstamped.
      ["SIGN_IN", "Admin of Velvet Ltd", "owner@velvet.example"],
      ["USER_REGISTERED", "Admin of Velvet Ltd", "owner@velvet.example"],
    ]);
    expect(items[0]).toMatchObject({ id: expect.stringMatching(/^\d+$/), ipAddress: "203.0.113.10", userAgent: "qrcoats-tests" });
    expect(items[0]!.occurredAt).toBeInstanceOf(Date);
  });

  it("filters by kind of event, person and period", async () => {
    const failed = await velvet.api.audit.list({ type: "SIGN_IN_FAILED" });
    expect(failed.items.map((event) => event.email)).toEqual(["ada@velvet.example"]);
    const adas = await velvet.api.audit.list({ userId: ada.userId });
    expect(adas.items.map((event) => event.type)).toEqual(["SIGN_IN", "SIGN_IN_FAILED", "INVITATION_ACCEPTED"]);
    const all = (await velvet.api.audit.list()).items;
    const middle = await velvet.api.audit.list({ from: all[4]!.occurredAt, to: all[0]!.occurredAt });
    expect(middle.items.length).toBeGreaterThan(0);
    expect(middle.items.every((event) => event.occurredAt >= all[4]!.occurredAt && event.occurredAt < all[0]!.occurredAt)).toBe(true);
    expect(middle.items.map((event) => event.id)).not.toContain(all[0]!.id);
  });

  it("pages on the server with stable cursors", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await velvet.api.audit.list({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((event) => event.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual((await velvet.api.audit.list({ limit: 100 })).items.map((event) => event.id));

    // One statement for the page, whatever its size (the session lookup may count as another).
    const statementsFor = async (limit: number) => {
      const before = t.db.statementCount();
      await velvet.api.audit.list({ limit });
      return t.db.statementCount() - before;
    };
    const small = await statementsFor(1);
    expect(small).toBeLessThanOrEqual(2);
    expect(await statementsFor(100)).toBe(small);
  });

  it("refuses bad input with field errors", async () => {
    expect((await refusal(velvet.api.audit.list({ type: "COFFEE_BREAK" as "SIGN_IN" }))).fieldErrors.type).toEqual([
      "That is not a kind of audit event.",
    ]);
    expect((await refusal(velvet.api.audit.list({ userId: "ada" }))).fieldErrors.userId).toEqual(["That is not a valid user id."]);
    const forged = encodeCursor([new Date().toISOString(), "9".repeat(20)]);
    expect((await refusal(velvet.api.audit.list({ cursor: forged }))).fieldErrors.cursor).toEqual([
      "This cursor is not valid. Start again from the first page.",
    ]);
    expect((await refusal(velvet.api.audit.list({ limit: 1000 }))).fieldErrors.limit).toEqual(["Ask for at most 100 items."]);
  });

  it("shows nothing of another organization, and is for admins only", async () => {
    const theirs = await rival.api.audit.list();
    expect(theirs.items.some((event) => event.email?.endsWith("@velvet.example") || event.user?.name === "Ada Attendant")).toBe(false);
    expect(theirs.items.map((event) => event.type)).toContain("SIGN_IN_FAILED");
    expect((await rival.api.audit.list({ userId: ada.userId })).items).toEqual([]);
    expect(await refusal(ada.api.audit.list())).toMatchObject({
      code: "FORBIDDEN",
      message: "Only an admin of your organization can do this.",
    });
    const guest = await t.signUp({ email: "guest@example.com" });
    expect((await refusal(guest.api.audit.list())).code).toBe("FORBIDDEN");
    expect((await refusal(t.client().api.audit.list())).code).toBe("UNAUTHORIZED");
  });
});
