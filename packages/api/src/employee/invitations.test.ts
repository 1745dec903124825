import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecretToken } from "../lib/secrets";
import { messagesTo } from "../notifications/testing";
import { createTestApi, refusal, STRONG_PASSWORD, TEST_ORIGIN, type TestApi } from "../testing";
import { createVenue, founder, hire, invitationTokenFor } from "./testing";

const DAY = 24 * 60 * 60 * 1000;
const NEW_PASSWORD = "velvet rope cloakroom 1987";

let t: TestApi;
let admin: Awaited<ReturnType<typeof founder>>;
let venue: { id: string; name: string };

beforeAll(async () => {
  t = await createTestApi();
  admin = await founder(t, "Club Aurora", "owner@aurora.example");
  venue = await createVenue(t, admin.organization.id, "Aurora Main Floor");
});
afterAll(() => t.close());

describe("employee.create invites a person", () => {
  it("creates membership, staff record and venues at once, and emails a single-use link; no account until accepted", async () => {
    const { employee, invitation } = await admin.api.employee.create({
      email: " Mia@Example.com ",
      name: "Mia Wong",
      position: "Attendant",
      venueIds: [venue.id, venue.id],
    });
    expect(employee).toEqual({
      id: expect.any(String),
      userId: null,
      name: "Mia Wong",
      email: "mia@example.com",
      role: "EMPLOYEE",
      status: "INVITED",
      position: "Attendant",
      phone: null,
      venues: [venue],
      createdAt: expect.any(Date),
    });
    expect(invitation.expiresAt.getTime() - t.clock.now().getTime()).toBeGreaterThan(7 * DAY - 60_000);

    const [message, ...others] = await messagesTo(t, "mia@example.com");
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      channel: "email",
      template: "employee-invitation",
      subject: "You are invited to join Club Aurora on QRcoats",
      audience: "STAFF",
      organizationId: admin.organization.id,
    });
    expect(message!.text).toMatch(/^Hello Mia Wong,/);
    const token = message!.text.match(new RegExp(`${TEST_ORIGIN}/accept-invitation\\?token=([a-z2-7]{32})\\n`))![1]!;

    // The database keeps the token's hash, and the token only sealed; the membership belongs to no account yet.
    const [stored] = await t.db.sql.query<{ token_hash: string; user_id: string | null; role: string }>(
      `SELECT i.token_hash, m.user_id, m.role FROM employees.invitations i
         JOIN employees.employees e ON e.id = i.employee_id
         JOIN auth.memberships m ON m.id = e.membership_id
        WHERE e.id = $1`,
      [employee.id],
    );
    expect(stored).toEqual({ token_hash: hashSecretToken(token), user_id: null, role: "EMPLOYEE" });
    expect(await t.db.prisma.user.count({ where: { email: "mia@example.com" } })).toBe(0);
    expect(JSON.stringify(await t.db.sql.query(`SELECT * FROM employees.invitations`))).not.toContain(token);

    expect(await t.client().api.employee.invitation({ token })).toEqual({
      email: "mia@example.com",
      name: "Mia Wong",
      organizationName: "Club Aurora",
      expiresAt: invitation.expiresAt,
    });
  });

  it("accepting sets the password, signs the person in, and works once", async () => {
    const { employee } = await admin.api.employee.create({ email: "noah@example.com", name: "Noah", venueIds: [venue.id] });
    const token = await invitationTokenFor(t, "noah@example.com");

    // Before accepting, the account cannot sign in with any password.
    expect((await refusal(t.client().api.auth.login({ email: "noah@example.com", password: NEW_PASSWORD }))).code).toBe("UNAUTHORIZED");

    const browser = t.client();
    const me = await browser.api.employee.acceptInvitation({ token, password: NEW_PASSWORD });
    expect(me).toEqual({
      user: { id: expect.any(String), email: "noah@example.com", name: "Noah" },
      membership: { role: "EMPLOYEE", organization: { id: admin.organization.id, name: "Club Aurora" } },
    });
    expect(browser.cookies.get("qrcoats_session")).toMatch(/^[a-z2-7]{32}$/);
    expect(await browser.api.employee.me()).toMatchObject({ id: employee.id, status: "ACTIVE", venues: [venue] });

    const elsewhere = t.client();
    expect(await elsewhere.api.auth.login({ email: "noah@example.com", password: NEW_PASSWORD })).toEqual(me);

    const again = await refusal(t.client().api.employee.acceptInvitation({ token, password: "someone else's passphrase 5" }));
    expect(again).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { token: [expect.stringMatching(/not valid|already been used/)] } });
    expect((await refusal(t.client().api.employee.invitation({ token }))).code).toBe("NOT_FOUND");
    expect(await t.client().api.auth.login({ email: "noah@example.com", password: NEW_PASSWORD })).toEqual(me);
    expect(await admin.api.employee.get({ employeeId: employee.id })).toMatchObject({ status: "ACTIVE", userId: me.user.id });
  });

  it("racing accepts of one link: exactly one sets the password", async () => {
    await admin.api.employee.create({ email: "race@example.com", name: "Racer", venueIds: [] });
    const token = await invitationTokenFor(t, "race@example.com");
    const passwords = ["first racing passphrase 11", "second racing passphrase 22", "third racing passphrase 33"];
    const results = await Promise.allSettled(passwords.map((password) => t.client().api.employee.acceptInvitation({ token, password })));
    const winners = passwords.filter((_, i) => results[i]!.status === "fulfilled");
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "BAD_REQUEST" });
    }
    for (const password of passwords) {
      const attempt = t.client().api.auth.login({ email: "race@example.com", password });
      if (password === winners[0]) expect((await attempt).user.email).toBe("race@example.com");
      else expect((await refusal(attempt)).code).toBe("UNAUTHORIZED");
    }
    const [{ n }] = (await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM auth.sessions WHERE user_id = (SELECT id FROM auth.users WHERE email = 'race@example.com') AND revoked_at IS NULL`,
    )) as [{ n: number }];
    // The winner's own session from accepting, and the sign-in just above.
    expect(n).toBe(2);
  });

  it("refuses a weak password beside the password field and keeps the link usable", async () => {
    await admin.api.employee.create({ email: "weak@example.com", name: "Weakling", venueIds: [] });
    const token = await invitationTokenFor(t, "weak@example.com");
    const weak = await refusal(t.client().api.employee.acceptInvitation({ token, password: "password123" }));
    expect(weak.code).toBe("BAD_REQUEST");
    expect(weak.fieldErrors.password).toBeDefined();
    expect((await t.client().api.employee.acceptInvitation({ token, password: NEW_PASSWORD })).user.email).toBe("weak@example.com");
  });

  it("a link expires after 7 days; a resent one works and the old one stops working", async () => {
    const { employee } = await admin.api.employee.create({ email: "late@example.com", name: "Late Larry", venueIds: [] });
    const oldToken = await invitationTokenFor(t, "late@example.com");
    t.clock.advance(7 * DAY + 1000);

    const view = await refusal(t.client().api.employee.invitation({ token: oldToken }));
    expect(view).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("expired") });
    const accept = await refusal(t.client().api.employee.acceptInvitation({ token: oldToken, password: NEW_PASSWORD }));
    expect(accept).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { token: [expect.stringContaining("expired")] } });
    expect((await admin.api.employee.get({ employeeId: employee.id })).status).toBe("INVITED");

    const resent = await admin.api.employee.resendInvitation({ employeeId: employee.id });
    expect(resent.expiresAt.getTime()).toBeGreaterThan(t.clock.now().getTime() + 7 * DAY - 60_000);
    const newToken = await invitationTokenFor(t, "late@example.com");
    expect(newToken).not.toBe(oldToken);

    // Resending again retires the link just sent, too.
    await admin.api.employee.resendInvitation({ employeeId: employee.id });
    const newest = await invitationTokenFor(t, "late@example.com");
    expect(
      (await refusal(t.client().api.employee.acceptInvitation({ token: newToken, password: NEW_PASSWORD }))).fieldErrors.token,
    ).toBeDefined();
    expect((await t.client().api.employee.acceptInvitation({ token: newest, password: NEW_PASSWORD })).user.email).toBe("late@example.com");

    expect(await refusal(admin.api.employee.resendInvitation({ employeeId: employee.id }))).toMatchObject({
      code: "CONFLICT",
      message: "Late Larry has already joined; there is no invitation to send.",
    });
    expect((await refusal(admin.api.employee.resendInvitation({ employeeId: admin.employeeId }))).code).toBe("CONFLICT");
  });

  it("a deactivated invitee's link is withdrawn", async () => {
    const { employee } = await admin.api.employee.create({ email: "withdrawn@example.com", name: "Withdrawn", venueIds: [] });
    const token = await invitationTokenFor(t, "withdrawn@example.com");
    await admin.api.employee.deactivate({ employeeId: employee.id });
    expect((await refusal(t.client().api.employee.invitation({ token }))).code).toBe("NOT_FOUND");
    expect((await refusal(t.client().api.employee.acceptInvitation({ token, password: NEW_PASSWORD }))).fieldErrors.token).toBeDefined();
    expect(await refusal(admin.api.employee.resendInvitation({ employeeId: employee.id }))).toMatchObject({
      code: "CONFLICT",
      message: "Withdrawn is deactivated. Reactivate them first.",
    });
  });

  it("an unknown token is NOT_FOUND to look at and a field error to use", async () => {
    const token = "a".repeat(32);
    expect((await refusal(t.client().api.employee.invitation({ token }))).code).toBe("NOT_FOUND");
    expect((await refusal(t.client().api.employee.acceptInvitation({ token, password: NEW_PASSWORD }))).fieldErrors.token).toBeDefined();
  });
});

describe("who can be invited", () => {
  it("a guest keeps their account and name, and is no member until they accept", async () => {
    const guest = await t.signUp({ email: "guest@example.com", name: "Gus Guest" });
    const { employee } = await admin.api.employee.create({ email: "guest@example.com", name: "Typed By Admin", venueIds: [] });
    // The admin sees only what they typed until the guest accepts.
    expect(employee).toMatchObject({ userId: null, name: "Typed By Admin", status: "INVITED" });
    // An admin cannot make anyone staff without them: the guest is still only a guest.
    expect((await guest.api.auth.me()).membership).toBeNull();
    expect((await refusal(guest.api.employee.me())).code).toBe("FORBIDDEN");
    const token = await invitationTokenFor(t, "guest@example.com");
    // They join with their own account's password, which stays as it was, and so do their sessions.
    expect((await t.client().api.employee.acceptInvitation({ token, password: STRONG_PASSWORD })).membership?.role).toBe("EMPLOYEE");
    expect((await guest.api.auth.me()).membership?.role).toBe("EMPLOYEE");
    expect(await admin.api.employee.get({ employeeId: employee.id })).toMatchObject({
      userId: guest.me.user.id,
      name: "Gus Guest",
      status: "ACTIVE",
    });
  });

  it("an invited guest may start their own organization; the invitation then refuses them and stays", async () => {
    const guest = await t.signUp({ email: "owner-to-be@example.com", name: "Olga Owner" });
    const { employee } = await admin.api.employee.create({ email: "owner-to-be@example.com", name: "Olga", venueIds: [] });
    const token = await invitationTokenFor(t, "owner-to-be@example.com");
    const { organization } = await guest.api.org.create({ name: "Olga's Bar" });
    expect((await guest.api.auth.me()).membership).toEqual({ role: "ADMIN", organization: { id: organization.id, name: "Olga's Bar" } });
    expect((await admin.api.employee.get({ employeeId: employee.id })).status).toBe("INVITED");
    expect(await refusal(t.client().api.employee.acceptInvitation({ token, password: NEW_PASSWORD }))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("already belongs to an organization"),
    });
  });

  it("an address already on this organization's staff list cannot be invited again; a member elsewhere can", async () => {
    await founder(t, "Rival Club", "rival@example.com");
    for (const email of ["owner@aurora.example", "mia@example.com"]) {
      expect(await refusal(admin.api.employee.create({ email, name: "Again", venueIds: [] }))).toMatchObject({
        code: "CONFLICT",
        message: "This email address is already on your organization's staff list.",
      });
    }
    expect((await admin.api.employee.create({ email: "rival@example.com", name: "Rival", venueIds: [] })).employee).toMatchObject({
      userId: null,
      status: "INVITED",
    });
  });

  it("two invitations of one email at once: one wins, the other is a CONFLICT", async () => {
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => admin.api.employee.create({ email: "twice@example.com", name: "Twice", venueIds: [] })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") {
        expect(result.reason).toMatchObject({
          code: "CONFLICT",
          message: "This email address is already on your organization's staff list.",
        });
      }
    }
    const [{ n }] = (await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM employees.employees WHERE email = 'twice@example.com'`,
    )) as [{ n: number }];
    expect(n).toBe(1);
  });

  it("an admin can be invited as an admin", async () => {
    const coAdmin = await hire(t, admin, { email: "co-admin@example.com", role: "ADMIN" });
    expect((await coAdmin.api.auth.me()).membership?.role).toBe("ADMIN");
    expect((await coAdmin.api.employee.list({})).items.length).toBeGreaterThan(1);
  });

  it("validates input with field errors, and venues by tenant", async () => {
    const bad = await refusal(admin.api.employee.create({ email: "not-an-email", name: " ", phone: "call me", venueIds: ["nope"] }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["email", "name", "phone", "venueIds"]);

    const rival = await founder(t, "Other Org", "other-org@example.com");
    const foreignVenue = await createVenue(t, rival.organization.id, "Not Yours");
    expect((await refusal(admin.api.employee.create({ email: "x@example.com", name: "X", venueIds: [foreignVenue.id] }))).code).toBe(
      "NOT_FOUND",
    );
    expect(
      (await refusal(admin.api.employee.create({ email: "x@example.com", name: "X", venueIds: ["00000000-0000-4000-8000-000000000000"] })))
        .code,
    ).toBe("NOT_FOUND");
    // Nothing was left behind by the refused invitations.
    const [{ n }] = (await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM employees.employees WHERE email = 'x@example.com'`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it("only admins invite", async () => {
    const staff = await hire(t, admin, { email: "plain@example.com", venueIds: [venue.id] });
    expect((await refusal(staff.api.employee.create({ email: "y@example.com", name: "Y", venueIds: [] }))).code).toBe("FORBIDDEN");
    expect((await refusal(staff.api.employee.resendInvitation({ employeeId: staff.employeeId }))).code).toBe("FORBIDDEN");
    expect((await refusal(t.client().api.employee.create({ email: "y@example.com", name: "Y", venueIds: [] }))).code).toBe("UNAUTHORIZED");
    const guest = await t.signUp({ email: "nosy-guest@example.com" });
    expect((await refusal(guest.api.employee.create({ email: "y@example.com", name: "Y", venueIds: [] }))).code).toBe("FORBIDDEN");
  });
});

describe("employee.invitationLink: an admin copies an open invitation's link", () => {
  it("is the emailed link itself, which keeps working; handing it out is audited", async () => {
    const { employee } = await admin.api.employee.create({ email: "copy@example.com", name: "Copy Cat", venueIds: [] });
    const emailed = await invitationTokenFor(t, "copy@example.com");
    const copied = await admin.api.employee.invitationLink({ employeeId: employee.id });
    expect(copied).toEqual({ link: `${TEST_ORIGIN}/accept-invitation?token=${emailed}`, expiresAt: expect.any(Date) });
    const events = await t.db.prisma.auditEvent.findMany({ where: { type: "INVITATION_LINK_COPIED" } });
    expect(events).toMatchObject([
      { userId: admin.me.user.id, organizationId: admin.organization.id, email: "copy@example.com", detail: { employeeId: employee.id } },
    ]);
    // The token is kept sealed, never as it is.
    const [row] = await t.db.sql.query<{ token_encrypted: string }>(
      `SELECT token_encrypted FROM employees.invitations WHERE employee_id = $1`,
      [employee.id],
    );
    expect(row!.token_encrypted).toMatch(/^v1:/);
    expect(row!.token_encrypted).not.toContain(emailed);

    const joined = await t
      .client()
      .api.employee.acceptInvitation({ token: new URL(copied.link).searchParams.get("token")!, password: NEW_PASSWORD });
    expect(joined.user.email).toBe("copy@example.com");
    // Accepted: nothing left to copy, and the sealed token is gone too.
    expect(await refusal(admin.api.employee.invitationLink({ employeeId: employee.id }))).toMatchObject({
      code: "CONFLICT",
      message: "Copy Cat is not waiting for an invitation.",
    });
    const [after] = await t.db.sql.query<{ token_encrypted: string | null }>(
      `SELECT token_encrypted FROM employees.invitations WHERE employee_id = $1`,
      [employee.id],
    );
    expect(after!.token_encrypted).toBeNull();
  });

  it("gives the newest link after a resend, none once it expired, and none to anyone but the organization's admins", async () => {
    const { employee } = await admin.api.employee.create({ email: "relink@example.com", name: "Re Link", venueIds: [venue.id] });
    const first = await admin.api.employee.invitationLink({ employeeId: employee.id });
    await admin.api.employee.resendInvitation({ employeeId: employee.id });
    const second = await admin.api.employee.invitationLink({ employeeId: employee.id });
    expect(second.link).not.toBe(first.link);
    expect(second.link).toBe(`${TEST_ORIGIN}/accept-invitation?token=${await invitationTokenFor(t, "relink@example.com")}`);
    const sealed = await t.db.sql.query<{ n: number }>(
      `SELECT count(token_encrypted)::int AS n FROM employees.invitations WHERE employee_id = $1`,
      [employee.id],
    );
    expect(sealed).toEqual([{ n: 1 }]);

    const other = await founder(t, "Link Rival", "rival-link@example.com");
    expect((await refusal(other.api.employee.invitationLink({ employeeId: employee.id }))).code).toBe("NOT_FOUND");
    const staff = await hire(t, admin, { email: "link-staff@example.com", venueIds: [venue.id] });
    expect((await refusal(staff.api.employee.invitationLink({ employeeId: employee.id }))).code).toBe("FORBIDDEN");

    t.clock.advance(7 * DAY + 1000);
    expect(await refusal(admin.api.employee.invitationLink({ employeeId: employee.id }))).toMatchObject({
      code: "CONFLICT",
      message: "Re Link has no open invitation with a link to copy. Send the invitation again.",
    });
  });

  it("has no link to give for a token sealed with a key this host no longer has", async () => {
    const { employee } = await admin.api.employee.create({ email: "old-key@example.com", name: "Old Key", venueIds: [] });
    await t.db.sql.query(`UPDATE employees.invitations SET token_encrypted = 'v1:retired:AAAA:BBBB' WHERE employee_id = $1`, [employee.id]);
    expect(await refusal(admin.api.employee.invitationLink({ employeeId: employee.id }))).toMatchObject({
      code: "CONFLICT",
      message: "Old Key has no open invitation with a link to copy. Send the invitation again.",
    });
  });
});

describe("tenant isolation of invitations", () => {
  it("an admin of another organization cannot resend this organization's invitations", async () => {
    const { employee } = await admin.api.employee.create({ email: "ours@example.com", name: "Ours", venueIds: [] });
    const other = await founder(t, "Other Tenant", "tenant-b@example.com");
    expect((await refusal(other.api.employee.resendInvitation({ employeeId: employee.id }))).code).toBe("NOT_FOUND");
  });
});
