import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countMessagesTo } from "../notifications/testing";
import type { MessageTemplate } from "../notifications/templates";
import { openVenue } from "../qr/testing";
import { createTestApi, refusal, STRONG_PASSWORD, type TestApi } from "../testing";
import { founder, invitationTokenFor } from "./testing";

// An invitation is what an admin typed about an address, nothing more: until the address's
// owner accepts it, the inviter can neither see nor change nor lock anything of an account
// the address may have. These are the ways an inviter once held accounts hostage.

const NEW_PASSWORD = "velvet rope cloakroom 1987";
const HOUR = 60 * 60 * 1000;

let t: TestApi;
let serial = 0;

beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

/** Anyone at all: an account of their own and an organization they just started. */
const anyone = () => {
  serial += 1;
  return founder(t, `Org ${serial}`, `founder-${serial}@example.com`);
};

const outboxCount = (recipient: string, template: MessageTemplate) => countMessagesTo(t, recipient, template);

describe("inviting someone who has an account", () => {
  it("a guest invited and then deactivated keeps their name, sessions, sign-in, reset and tickets", async () => {
    const club = await openVenue(t, "Hostage");
    const guest = await t.signUp({ email: "gus@example.com", name: "Gus Guest" });
    const ticket = await guest.api.qr.request({ venueId: club.venue.id });
    const attacker = await anyone();

    const { employee } = await attacker.api.employee.create({ email: "gus@example.com", name: "Typed Label", venueIds: [] });
    // The inviter sees what they typed, never the account's name or id.
    expect(employee).toMatchObject({ userId: null, name: "Typed Label", email: "gus@example.com", status: "INVITED" });
    expect(await attacker.api.employee.get({ employeeId: employee.id })).toMatchObject({ userId: null, name: "Typed Label" });
    expect(JSON.stringify(await attacker.api.employee.list({}))).not.toContain(guest.me.user.id);
    expect(JSON.stringify(await attacker.api.employee.list({}))).not.toContain("Gus Guest");

    await attacker.api.employee.update({ employeeId: employee.id, name: "Renamed By Attacker" });
    const deactivated = await attacker.api.employee.deactivate({ employeeId: employee.id });
    expect(deactivated).toMatchObject({ status: "DEACTIVATED", userId: null });

    // The guest's own session is alive, and nothing of theirs changed.
    expect(await guest.api.auth.me()).toEqual(guest.me);
    expect((await guest.api.qr.mine()).items.map((item) => item.id)).toEqual([ticket.id]);
    const signIn = t.client();
    expect((await signIn.api.auth.login({ email: "gus@example.com", password: STRONG_PASSWORD })).user).toEqual(guest.me.user);
    const resetsBefore = await outboxCount("gus@example.com", "password-reset");
    await t.client().api.auth.requestPasswordReset({ email: "gus@example.com" });
    expect(await outboxCount("gus@example.com", "password-reset")).toBe(resetsBefore + 1);
    // And they can still start an organization, or join one, of their own choosing.
    const employer = await anyone();
    await employer.api.employee.create({ email: "gus@example.com", name: "Gus", venueIds: [] });
    const joined = await t
      .client()
      .api.employee.acceptInvitation({ token: await invitationTokenFor(t, "gus@example.com"), password: STRONG_PASSWORD });
    expect(joined).toEqual({
      user: { id: guest.me.user.id, email: "gus@example.com", name: "Gus Guest" },
      membership: { role: "EMPLOYEE", organization: { id: employer.organization.id, name: employer.organization.name } },
    });
    expect(await attacker.api.employee.get({ employeeId: employee.id })).toMatchObject({
      userId: null,
      name: "Renamed By Attacker",
      status: "DEACTIVATED",
    });
  });

  it("someone invited to an address that has no account yet can register it and sign in as usual", async () => {
    const admin = await anyone();
    await admin.api.employee.create({ email: "newcomer@example.com", name: "Newcomer", venueIds: [] });
    const person = await t.signUp({ email: "newcomer@example.com", name: "Nina Newcomer" });
    expect(person.me).toMatchObject({ user: { name: "Nina Newcomer" }, membership: null });
    expect((await t.client().api.auth.login({ email: "newcomer@example.com", password: STRONG_PASSWORD })).user.name).toBe("Nina Newcomer");
    // Accepting later joins the account they made; the organization then knows their name.
    const me = await t
      .client()
      .api.employee.acceptInvitation({ token: await invitationTokenFor(t, "newcomer@example.com"), password: STRONG_PASSWORD });
    expect(me.user).toEqual(person.me.user);
    expect((await admin.api.employee.list({ search: "newcomer" })).items).toEqual([
      expect.objectContaining({ userId: person.me.user.id, name: "Nina Newcomer", status: "ACTIVE" }),
    ]);
  });

  it("employee.create answers the same whether or not the address has an account anywhere", async () => {
    const admin = await anyone();
    await t.signUp({ email: "has-account@example.com", name: "Has Account" });
    const member = await anyone();
    const fresh = await admin.api.employee.create({
      email: "no-account@example.com",
      name: "Same Label",
      position: "Attendant",
      venueIds: [],
    });
    const guest = await admin.api.employee.create({
      email: "has-account@example.com",
      name: "Same Label",
      position: "Attendant",
      venueIds: [],
    });
    const elsewhere = await admin.api.employee.create({
      email: member.me.user.email,
      name: "Same Label",
      position: "Attendant",
      venueIds: [],
    });
    const comparable = (answer: typeof fresh) => ({
      ...answer,
      employee: { ...answer.employee, id: "<id>", email: "<email>", createdAt: "<createdAt>" },
      invitation: { expiresAt: answer.invitation.expiresAt.getTime() - answer.employee.createdAt.getTime() },
    });
    expect(comparable(guest)).toEqual(comparable(fresh));
    expect(comparable(elsewhere)).toEqual(comparable(fresh));
    expect(fresh.employee.userId).toBeNull();
    // Only this organization's own list can refuse an address.
    expect(await refusal(admin.api.employee.create({ email: "has-account@example.com", name: "Again", venueIds: [] }))).toMatchObject({
      code: "CONFLICT",
      message: "This email address is already on your organization's staff list.",
    });
    expect((await refusal(admin.api.employee.create({ email: admin.me.user.email, name: "Me", venueIds: [] }))).code).toBe("CONFLICT");
  });
});

describe("several organizations inviting one person", () => {
  it("each invitation stands alone: accepting one refuses the others clearly and cancels none of them", async () => {
    const [first, second, third] = [await anyone(), await anyone(), await anyone()];
    const a = await first.api.employee.create({ email: "wanted@example.com", name: "Wanted", venueIds: [] });
    const tokenA = await invitationTokenFor(t, "wanted@example.com");
    const b = await second.api.employee.create({ email: "wanted@example.com", name: "Wanted Too", role: "ADMIN", venueIds: [] });
    const tokenB = await invitationTokenFor(t, "wanted@example.com");

    const me = await t.client().api.employee.acceptInvitation({ token: tokenB, password: NEW_PASSWORD });
    expect(me.membership).toEqual({ role: "ADMIN", organization: { id: second.organization.id, name: second.organization.name } });

    // The other invitation is still there, on both sides, and refuses with a reason.
    expect((await first.api.employee.get({ employeeId: a.employee.id })).status).toBe("INVITED");
    expect((await t.client().api.employee.invitation({ token: tokenA })).organizationName).toBe(first.organization.name);
    expect(await refusal(t.client().api.employee.acceptInvitation({ token: tokenA, password: NEW_PASSWORD }))).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("already belongs to an organization"),
    });
    expect((await first.api.employee.get({ employeeId: a.employee.id })).status).toBe("INVITED");
    expect((await second.api.employee.get({ employeeId: b.employee.id })).status).toBe("ACTIVE");
    // A third organization may still invite them, and is answered like any other.
    expect((await third.api.employee.create({ email: "wanted@example.com", name: "Third", venueIds: [] })).employee.status).toBe("INVITED");
  });

  it("starting an organization of one's own declines no pending invitation", async () => {
    const inviter = await anyone();
    const person = await t.signUp({ email: "founds-own@example.com", name: "Fay Founder" });
    const { employee } = await inviter.api.employee.create({ email: "founds-own@example.com", name: "Fay", venueIds: [] });
    await person.api.org.create({ name: "Fay's Bar" });
    expect((await inviter.api.employee.get({ employeeId: employee.id })).status).toBe("INVITED");
    expect(
      (
        await refusal(
          t
            .client()
            .api.employee.acceptInvitation({ token: await invitationTokenFor(t, "founds-own@example.com"), password: NEW_PASSWORD }),
        )
      ).code,
    ).toBe("CONFLICT");
  });
});

describe("the inviter's audit log", () => {
  it("shows nothing of an invited person's own history until they accept", async () => {
    const person = await t.signUp({ email: "private@example.com", name: "Pia Private" });
    await t.client({ address: "198.51.100.7" }).api.auth.login({ email: "private@example.com", password: STRONG_PASSWORD });
    await refusal(
      t.client({ address: "198.51.100.8" }).api.auth.login({ email: "private@example.com", password: "not her password at all" }),
    );
    const inviter = await anyone();
    await inviter.api.employee.create({ email: "private@example.com", name: "Pia", venueIds: [] });
    await refusal(
      t.client({ address: "198.51.100.9" }).api.auth.login({ email: "private@example.com", password: "not her password either" }),
    );
    await t.client({ address: "198.51.100.10" }).api.auth.login({ email: "private@example.com", password: STRONG_PASSWORD });

    const log = (await inviter.api.audit.list({ limit: 100 })).items;
    // The inviter's own acts, with the address they typed, and nothing else about her.
    const aboutHer = log.filter((event) => event.email === "private@example.com" || event.user?.id === person.me.user.id);
    expect(aboutHer.map((event) => [event.type, event.user?.name])).toEqual([["EMPLOYEE_INVITED", inviter.me.user.name]]);
    expect(JSON.stringify(log)).not.toMatch(/198\.51\.100\.|Pia Private/);
    expect((await inviter.api.audit.list({ userId: person.me.user.id })).items).toEqual([]);
  });
});

describe("invitation emails are rate limited", () => {
  const { perOrganization, perRecipient } = { perOrganization: 50, perRecipient: 3 };

  it(`at most ${perRecipient} a day to one address, across all organizations, resends included`, async () => {
    const senders = [await anyone(), await anyone(), await anyone()];
    const { employee } = await senders[0]!.api.employee.create({ email: "flooded@example.com", name: "Flooded", venueIds: [] });
    await senders[1]!.api.employee.create({ email: "flooded@example.com", name: "Flooded", venueIds: [] });
    await senders[2]!.api.employee.create({ email: "flooded@example.com", name: "Flooded", venueIds: [] });
    const fourth = await anyone();
    const refused = await refusal(fourth.api.employee.create({ email: "flooded@example.com", name: "Flooded", venueIds: [] }));
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: expect.any(Number) });
    expect((await refusal(senders[0]!.api.employee.resendInvitation({ employeeId: employee.id }))).code).toBe("TOO_MANY_REQUESTS");
    expect(await outboxCount("flooded@example.com", "employee-invitation")).toBe(perRecipient);
    // Nothing was written for the refused invitation.
    expect((await fourth.api.employee.list({ search: "flooded" })).items).toEqual([]);

    t.clock.advance(24 * HOUR);
    await senders[0]!.api.employee.resendInvitation({ employeeId: employee.id });
    expect(await outboxCount("flooded@example.com", "employee-invitation")).toBe(perRecipient + 1);
  });

  // Found by an outside review: refused invitations were counted too, so three calls naming
  // an unknown venue blocked an address from being invited anywhere for a day.
  it("counts only invitations that were sent: refused ones use up nobody's quota", async () => {
    const meddler = await anyone();
    const unknownVenue = "00000000-0000-4000-8000-000000000000";
    for (let i = 0; i < perRecipient + 1; i++) {
      expect(
        (await refusal(meddler.api.employee.create({ email: "sought-after@example.com", name: "Wanted", venueIds: [unknownVenue] }))).code,
      ).toBe("NOT_FOUND");
    }
    await meddler.api.employee.create({ email: "sought-after@example.com", name: "Wanted", venueIds: [] });
    for (let i = 0; i < perRecipient; i++) {
      expect((await refusal(meddler.api.employee.create({ email: "sought-after@example.com", name: "Wanted", venueIds: [] }))).code).toBe(
        "CONFLICT",
      );
    }
    const employer = await anyone();
    await employer.api.employee.create({ email: "sought-after@example.com", name: "Wanted", venueIds: [] });
    expect(await outboxCount("sought-after@example.com", "employee-invitation")).toBe(2);
  });

  it(`at most ${perOrganization} an hour from one organization, resends included`, async () => {
    const admin = await anyone();
    const first = await admin.api.employee.create({ email: "batch-0@example.com", name: "Batch 0", venueIds: [] });
    for (let i = 1; i < perOrganization; i++) {
      await admin.api.employee.create({ email: `batch-${i}@example.com`, name: `Batch ${i}`, venueIds: [] });
    }
    expect((await refusal(admin.api.employee.create({ email: "batch-extra@example.com", name: "Extra", venueIds: [] }))).code).toBe(
      "TOO_MANY_REQUESTS",
    );
    expect((await refusal(admin.api.employee.resendInvitation({ employeeId: first.employee.id }))).code).toBe("TOO_MANY_REQUESTS");
    // Another organization is not held back by this one.
    const other = await anyone();
    await other.api.employee.create({ email: "batch-extra@example.com", name: "Extra", venueIds: [] });

    t.clock.advance(HOUR);
    await admin.api.employee.resendInvitation({ employeeId: first.employee.id });
  });
});

describe("an invitation link in an admin's hands", () => {
  it("cannot take over an account the address already has: joining takes that account's own password, unchanged", async () => {
    const victim = await t.signUp({ email: "glen@guest.example" });
    const ticket = await victim.api.qr.mine();
    const attacker = await anyone();
    const { employee } = await attacker.api.employee.create({ email: "glen@guest.example", name: "x", venueIds: [] });
    const { link } = await attacker.api.employee.invitationLink({ employeeId: employee.id });
    const token = new URL(link).searchParams.get("token")!;

    // A password of the attacker's choosing is refused, and nothing of the account changes.
    expect(await refusal(t.client().api.employee.acceptInvitation({ token, password: NEW_PASSWORD }))).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("already has a QRcoats account"),
    });
    expect((await victim.api.auth.me()).user.email).toBe("glen@guest.example");
    expect(await victim.api.qr.mine()).toEqual(ticket);
    await t.client().api.auth.login({ email: "glen@guest.example", password: STRONG_PASSWORD });
    expect((await attacker.api.employee.get({ employeeId: employee.id })).status).toBe("INVITED");

    // The owner joins with the password they have, and stays signed in elsewhere.
    const me = await t.client().api.employee.acceptInvitation({ token, password: STRONG_PASSWORD });
    expect(me.user.id).toBe(victim.me.user.id);
    expect((await victim.api.auth.me()).membership?.organization.id).toBe(attacker.organization.id);
  });
});
