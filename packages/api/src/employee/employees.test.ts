import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, refusal, type TestApi } from "../testing";
import { createVenue, founder, hire, invitationTokenFor, type Staff } from "./testing";

let t: TestApi;
let admin: Awaited<ReturnType<typeof founder>>;
let floor: { id: string; name: string };
let terrace: { id: string; name: string };
let ada: Staff;

beforeAll(async () => {
  t = await createTestApi();
  admin = await founder(t, "Club Meridian", "owner@meridian.example");
  floor = await createVenue(t, admin.organization.id, "Main Floor");
  terrace = await createVenue(t, admin.organization.id, "Terrace");
  ada = await hire(t, admin, {
    email: "ada@meridian.example",
    name: "Ada Lovelace",
    venueIds: [floor.id],
    phone: "+49 176 5550 1234",
    position: "Attendant",
  });
});
afterAll(() => t.close());

describe("phone numbers are encrypted at rest", () => {
  it("no digits of the phone are stored in the clear, yet admins read it and can search by its last 4 digits", async () => {
    const [row] = await t.db.sql.query<Record<string, unknown> & { phone_encrypted: string; phone_last_digits_hash: string }>(
      `SELECT * FROM employees.employees WHERE id = $1`,
      [ada.employeeId],
    );
    // The sealed value, decoded, holds no trace of the number either.
    const [version, keyId, nonce, sealed] = row!.phone_encrypted.split(":");
    expect([version, keyId, nonce!.length]).toEqual(["v1", "k1", 16]);
    const sealedBytes = Buffer.from(sealed!, "base64url").toString("latin1");
    // The lookup hash is keyed: not a plain digest anyone could precompute.
    expect(row!.phone_last_digits_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.phone_last_digits_hash).not.toBe(createHash("sha256").update("1234").digest("hex"));
    // What is left once random values (ids, times, ciphertext, hashes) are taken out must
    // not contain any run of the phone's digits; random values could contain them by chance.
    const rest = JSON.stringify(await t.db.sql.query(`SELECT * FROM employees.employees`))
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
      .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, "<time>")
      .replace(/v1:[\w-]+:[\w-]+:[\w-]+/g, "<sealed>")
      .replace(/[0-9a-f]{64}/g, "<hash>");
    for (const text of [rest, sealedBytes]) {
      for (const fragment of ["176", "5550", "1234", "+49 176 5550 1234", "4917655501234"]) {
        expect(text, `"${fragment}" found in employees.employees`).not.toContain(fragment);
      }
    }
    const audit = JSON.stringify(await t.db.sql.query(`SELECT * FROM auth.audit_events`));
    expect(audit).not.toContain("5550 1234");

    expect((await admin.api.employee.get({ employeeId: ada.employeeId })).phone).toBe("+49 176 5550 1234");
    expect((await ada.api.employee.me()).phone).toBe("+49 176 5550 1234");

    const found = await admin.api.employee.list({ search: "1234" });
    expect(found.items.map((e) => e.id)).toEqual([ada.employeeId]);
    expect((await admin.api.employee.list({ search: "555-01234" })).items.map((e) => e.id)).toEqual([ada.employeeId]);
    expect((await admin.api.employee.list({ search: "9999" })).items).toEqual([]);
  });
});

describe("employee.get and employee.me", () => {
  it("shows the whole record to admins and to the person, and nobody else's to an employee", async () => {
    const record = await admin.api.employee.get({ employeeId: ada.employeeId });
    expect(record).toEqual({
      id: ada.employeeId,
      userId: ada.userId,
      name: "Ada Lovelace",
      email: "ada@meridian.example",
      role: "EMPLOYEE",
      status: "ACTIVE",
      position: "Attendant",
      phone: "+49 176 5550 1234",
      venues: [floor],
      createdAt: expect.any(Date),
    });
    expect(await ada.api.employee.me()).toEqual(record);
    expect(await ada.api.employee.get({ employeeId: ada.employeeId })).toEqual(record);
    expect((await refusal(ada.api.employee.get({ employeeId: admin.employeeId }))).code).toBe("FORBIDDEN");
    expect((await admin.api.employee.me()).role).toBe("ADMIN");
    expect((await refusal(admin.api.employee.get({ employeeId: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
    expect((await refusal(admin.api.employee.get({ employeeId: "nope" }))).fieldErrors.employeeId).toBeDefined();
    expect((await refusal(t.client().api.employee.me())).code).toBe("UNAUTHORIZED");
    const guest = await t.signUp({ email: "just-a-guest@example.com" });
    expect((await refusal(guest.api.employee.me())).code).toBe("FORBIDDEN");
  });
});

describe("employee.update", () => {
  it("changes name, position, phone, venues and role, and clears with null", async () => {
    const bo = await hire(t, admin, { email: "bo@meridian.example", name: "Bo", venueIds: [floor.id] });
    const updated = await admin.api.employee.update({
      employeeId: bo.employeeId,
      name: "Bo Jackson",
      position: "Head attendant",
      phone: "0176 4444 9876",
      venueIds: [terrace.id, floor.id],
    });
    expect(updated).toMatchObject({ name: "Bo Jackson", position: "Head attendant", phone: "0176 4444 9876", venues: [floor, terrace] });
    expect((await admin.api.employee.list({ search: "9876" })).items.map((e) => e.id)).toEqual([bo.employeeId]);

    const cleared = await admin.api.employee.update({ employeeId: bo.employeeId, position: null, phone: null, venueIds: [] });
    expect(cleared).toMatchObject({ name: "Bo Jackson", position: null, phone: null, venues: [] });
    expect((await admin.api.employee.list({ search: "9876" })).items).toEqual([]);
    const [stored] = await t.db.sql.query(`SELECT phone_encrypted, phone_last_digits_hash FROM employees.employees WHERE id = $1`, [
      bo.employeeId,
    ]);
    expect(stored).toEqual({ phone_encrypted: null, phone_last_digits_hash: null });

    // Promotion takes effect on their very next request, without signing in again.
    await admin.api.employee.update({ employeeId: bo.employeeId, role: "ADMIN" });
    expect((await bo.api.employee.list({})).items.length).toBeGreaterThan(1);
    await admin.api.employee.update({ employeeId: bo.employeeId, role: "EMPLOYEE" });
    expect((await refusal(bo.api.employee.list({}))).code).toBe("FORBIDDEN");

    const [event] = await t.db.sql.query<{ detail: { fields: string[] } }>(
      `SELECT detail FROM auth.audit_events WHERE type = 'EMPLOYEE_UPDATED' ORDER BY id LIMIT 1`,
    );
    expect(event!.detail.fields.sort()).toEqual(["name", "phone", "position", "venueIds"]);
  });

  it("never leaves the organization without an active admin who can sign in", async () => {
    const org = await founder(t, "Solo Bar", "solo@example.com");
    expect(await refusal(org.api.employee.update({ employeeId: org.employeeId, role: "EMPLOYEE" }))).toMatchObject({
      code: "CONFLICT",
      message: "Admin of Solo Bar is the last active admin of the organization. Make someone else an admin first.",
    });
    // An invited admin who has not chosen a password yet cannot take over.
    await org.api.employee.create({ email: "pending-admin@example.com", name: "Pending", role: "ADMIN", venueIds: [] });
    expect((await refusal(org.api.employee.update({ employeeId: org.employeeId, role: "EMPLOYEE" }))).code).toBe("CONFLICT");

    const second = await hire(t, org, { email: "second-admin@example.com", role: "ADMIN" });
    // Two admins demoting each other at once: one of them stays an admin.
    const results = await Promise.allSettled([
      org.api.employee.update({ employeeId: second.employeeId, role: "EMPLOYEE" }),
      second.api.employee.update({ employeeId: org.employeeId, role: "EMPLOYEE" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = await t.db.sql.query(
      `SELECT m.id FROM auth.memberships m WHERE m.organization_id = $1 AND m.role = 'ADMIN' AND m.status = 'ACTIVE'
          AND m.user_id IN (SELECT id FROM auth.users WHERE password_hash IS NOT NULL)`,
      [org.organization.id],
    );
    expect(admins).toHaveLength(1);
  });

  it("validates input and venues", async () => {
    const bad = await refusal(admin.api.employee.update({ employeeId: ada.employeeId, name: "", phone: "12", position: "x".repeat(101) }));
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["name", "phone", "position"]);
    expect(
      (await refusal(admin.api.employee.update({ employeeId: ada.employeeId, venueIds: ["00000000-0000-4000-8000-000000000000"] }))).code,
    ).toBe("NOT_FOUND");
    expect((await admin.api.employee.get({ employeeId: ada.employeeId })).venues).toEqual([floor]);
  });
});

describe("employee.list", () => {
  it("pages through staff by name with a cursor, filters by status, venue and search", async () => {
    const org = await founder(t, "Paging Club", "pager@example.com");
    const hall = await createVenue(t, org.organization.id, "Hall");
    const names = ["Cleo", "Anna", "Emil", "Dora", "Bert", "Fritz", "Greta"];
    for (const [i, name] of names.entries()) {
      await org.api.employee.create({ email: `${name.toLowerCase()}@paging.example`, name, venueIds: i % 2 === 0 ? [hall.id] : [] });
    }
    await hire(t, org, { email: "hanna@paging.example", name: "Hanna" });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await org.api.employee.list({ limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.name));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["Admin of Paging Club", "Anna", "Bert", "Cleo", "Dora", "Emil", "Fritz", "Greta", "Hanna"]);
    expect((await org.api.employee.list({})).nextCursor).toBeNull();

    expect((await org.api.employee.list({ status: "INVITED" })).items.map((e) => e.name)).toEqual([
      "Anna",
      "Bert",
      "Cleo",
      "Dora",
      "Emil",
      "Fritz",
      "Greta",
    ]);
    expect((await org.api.employee.list({ status: "ACTIVE" })).items.map((e) => e.name)).toEqual(["Admin of Paging Club", "Hanna"]);
    expect((await org.api.employee.list({ venueId: hall.id })).items.map((e) => e.name)).toEqual(["Bert", "Cleo", "Emil", "Greta"]);
    expect((await org.api.employee.list({ search: "RET" })).items.map((e) => e.name)).toEqual(["Greta"]);
    expect((await org.api.employee.list({ search: "@paging.EXAMPLE", limit: 2 })).items.map((e) => e.name)).toEqual(["Anna", "Bert"]);

    const dora = (await org.api.employee.list({ search: "dora" })).items[0]!;
    await org.api.employee.deactivate({ employeeId: dora.id });
    expect((await org.api.employee.list({ status: "DEACTIVATED" })).items.map((e) => e.name)).toEqual(["Dora"]);
    expect((await org.api.employee.list({ status: "INVITED" })).items.map((e) => e.name)).not.toContain("Dora");
  });

  it("refuses bad cursors and limits as field errors", async () => {
    expect((await refusal(admin.api.employee.list({ cursor: "garbage" }))).fieldErrors.cursor).toBeDefined();
    expect(
      (await refusal(admin.api.employee.list({ cursor: Buffer.from('["a","not-a-uuid"]').toString("base64url") }))).fieldErrors.cursor,
    ).toBeDefined();
    expect((await refusal(admin.api.employee.list({ limit: 101 }))).fieldErrors.limit).toBeDefined();
    expect((await refusal(admin.api.employee.list({ limit: 0 }))).fieldErrors.limit).toBeDefined();
  });
});

describe("what employee procedures return", () => {
  it("never contains a password hash, a token hash, a sealed phone or a lookup hash", async () => {
    const outputs: unknown[] = [];
    const keep = <T>(value: T) => (outputs.push(value), value);
    const { employee } = keep(
      await admin.api.employee.create({
        email: "leak@meridian.example",
        name: "Leak Check",
        phone: "0151 2222 3333",
        venueIds: [floor.id],
      }),
    );
    const token = await invitationTokenFor(t, "leak@meridian.example");
    keep(await t.client().api.employee.invitation({ token }));
    keep(await admin.api.employee.resendInvitation({ employeeId: employee.id }));
    keep(await admin.api.employee.update({ employeeId: employee.id, phone: "0151 2222 4444", role: "ADMIN" }));
    keep(await admin.api.employee.get({ employeeId: employee.id }));
    keep(await admin.api.employee.list({ search: "4444" }));
    keep(await admin.api.employee.list({}));
    keep(await ada.api.employee.me());
    keep(await admin.api.employee.deactivate({ employeeId: employee.id }));
    keep(await admin.api.employee.reactivate({ employeeId: employee.id }));

    const secrets = await t.db.sql.query<{ secret: string }>(`
      SELECT password_hash AS secret FROM auth.users WHERE password_hash IS NOT NULL
      UNION ALL SELECT token_hash FROM employees.invitations
      UNION ALL SELECT phone_encrypted FROM employees.employees WHERE phone_encrypted IS NOT NULL
      UNION ALL SELECT phone_last_digits_hash FROM employees.employees WHERE phone_last_digits_hash IS NOT NULL`);
    expect(secrets.length).toBeGreaterThan(6);
    const forbidden = new Set([...secrets.map((row) => row.secret), token]);
    const strings = (value: unknown, path: string): [string, string][] => {
      if (typeof value === "string") return [[path, value]];
      if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${path}[${i}]`));
      if (value && typeof value === "object" && !(value instanceof Date)) {
        return Object.entries(value).flatMap(([key, item]) => [
          [`${path}.${key}`, key] as [string, string],
          ...strings(item, `${path}.${key}`),
        ]);
      }
      return [];
    };
    for (const [path, text] of strings(outputs, "$")) {
      expect(forbidden.has(text), `${path} leaks a secret`).toBe(false);
      expect(/hash|encrypted|password/i.test(text) && path.endsWith(text), `${path} is a secret-looking key`).toBe(false);
    }
  });
});

describe("tenant isolation and roles", () => {
  it("an admin of another organization finds no employee, venue or invitation of this one (NOT_FOUND)", async () => {
    const rival = await founder(t, "Rival Rooms", "rival@rooms.example");
    const target = { employeeId: ada.employeeId };
    for (const call of [
      () => rival.api.employee.get(target),
      () => rival.api.employee.update({ ...target, name: "Hacked" }),
      () => rival.api.employee.deactivate(target),
      () => rival.api.employee.reactivate(target),
      () => rival.api.employee.resendInvitation(target),
      () => rival.api.employee.list({ venueId: floor.id }),
      () => rival.api.employee.create({ email: "plant@example.com", name: "Plant", venueIds: [floor.id] }),
    ]) {
      expect((await refusal(call())).code).toBe("NOT_FOUND");
    }
    expect((await rival.api.employee.list({})).items.map((e) => e.id)).toEqual([rival.employeeId]);
    expect((await rival.api.employee.list({ search: "1234" })).items).toEqual([]);
    expect((await admin.api.employee.get(target)).name).toBe("Ada Lovelace");
    expect((await admin.api.employee.get(target)).status).toBe("ACTIVE");
  });

  it("an employee is FORBIDDEN from every admin procedure", async () => {
    const target = { employeeId: ada.employeeId };
    for (const call of [
      () => ada.api.employee.list({}),
      () => ada.api.employee.update({ ...target, position: "Boss" }),
      () => ada.api.employee.update({ ...target, role: "ADMIN" }),
      () => ada.api.employee.deactivate({ employeeId: admin.employeeId }),
      () => ada.api.employee.reactivate(target),
      () => ada.api.employee.resendInvitation(target),
      () => ada.api.employee.create({ email: "friend@example.com", name: "Friend", venueIds: [] }),
    ]) {
      expect((await refusal(call())).code).toBe("FORBIDDEN");
    }
    expect((await admin.api.employee.get(target)).role).toBe("EMPLOYEE");
  });
});
