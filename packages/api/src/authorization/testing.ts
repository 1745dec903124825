import type { Role } from "@qrcoats/db";
import { invitationTokenFor } from "../employee/testing";
import { newestMessageTo, tokenIn } from "../notifications/testing";
import { openVenue } from "../qr/testing";
import { STRONG_PASSWORD, type TestApi, type TestClient } from "../testing";

// The two tenants every authorization and fuzzing test runs against: organization A, whose
// data every call targets, and organization B, whose staff must never reach it.

export const CALLERS = ["anonymous", "guest", "employeeA", "adminA", "employeeB", "adminB"] as const;
export type CallerKind = (typeof CALLERS)[number];

let serial = 0;
/** An address no other test uses, so fixtures never collide on unique emails. */
export const uniqueEmail = (label: string) => `${label}-${++serial}-${Date.now().toString(36)}@example.com`;

/** A signed-in member of an organization, made the way fixtures make staff (straight in the database). */
async function member(t: TestApi, organizationId: string, role: Role, venueIds: string[], label: string) {
  const person = await t.signUp({ email: uniqueEmail(label) });
  const membership = await t.db.prisma.membership.create({
    data: {
      userId: person.me.user.id,
      organizationId,
      role,
      employee: { create: { organizationId, name: person.me.user.name, email: person.me.user.email } },
    },
    select: { employee: { select: { id: true } } },
  });
  const employeeId = membership.employee!.id;
  for (const venueId of venueIds) await t.db.prisma.employeeVenue.create({ data: { employeeId, venueId } });
  return { ...person, employeeId };
}

export async function buildWorld(t: TestApi) {
  const a = await openVenue(t, "Alpha", { hangers: 200, shelves: 5 });
  const b = await openVenue(t, "Bravo", { hangers: 5 });
  const employeeA = await member(t, a.organizationId, "EMPLOYEE", [a.venue.id], "employee-a");
  const employeeB = await member(t, b.organizationId, "EMPLOYEE", [b.venue.id], "employee-b");
  // On shift, as the counter requires: a refusal then says who may act, not who clocked in.
  await employeeA.api.shift.clockIn({ venueId: a.venue.id });
  await employeeB.api.shift.clockIn({ venueId: b.venue.id });
  const guest = await t.signUp({ email: uniqueEmail("guest") });
  // A staff member of A no caller is: the target of employee reads and edits.
  const colleagueA = await member(t, a.organizationId, "EMPLOYEE", [a.venue.id], "colleague-a");
  // Someone whose credentials stay fixed, for sign-in and token calls.
  const bystander = await t.signUp({ email: uniqueEmail("bystander") });
  const adminA = a.admin;
  const rackA = a.racks.HANGER!;

  const callers: Record<CallerKind, TestClient> = {
    anonymous: t.client(),
    guest,
    employeeA,
    adminA,
    employeeB,
    adminB: b.admin,
  };

  /**
   * A new person of the same kind, for calls that end or change the caller's own session
   * (logout, password change, sign-in as someone else): the shared callers stay signed in.
   */
  async function freshCaller(kind: CallerKind): Promise<TestClient> {
    switch (kind) {
      case "anonymous":
        return t.client();
      case "guest":
        return t.signUp({ email: uniqueEmail("fresh-guest") });
      case "employeeA":
        return member(t, a.organizationId, "EMPLOYEE", [a.venue.id], "fresh-employee-a");
      case "adminA":
        return member(t, a.organizationId, "ADMIN", [], "fresh-admin-a");
      case "employeeB":
        return member(t, b.organizationId, "EMPLOYEE", [b.venue.id], "fresh-employee-b");
      case "adminB":
        return member(t, b.organizationId, "ADMIN", [], "fresh-admin-b");
    }
  }

  const venueId = a.venue.id;
  const world = {
    t,
    orgA: a.organizationId,
    orgB: b.organizationId,
    venueA: a.venue,
    venueB: b.venue,
    rackA,
    adminA,
    employeeA,
    colleagueA,
    bystander,
    callers,
    freshCaller,
    /** A new walk-in ticket at A's venue, ISSUED. */
    issued: () => adminA.api.qr.issueWalkIn({ venueId }),
    /** A new ticket at A's venue, CHECKED_IN on a hanger. */
    async checkedIn() {
      const ticket = await adminA.api.qr.issueWalkIn({ venueId });
      await adminA.api.qr.checkIn({ venueId, code: ticket.code });
      return ticket;
    },
    /** A hanger of A's venue holding nothing now. */
    async freeSlotId() {
      const [slot] = await t.db.sql.query<{ id: string }>(
        `SELECT s.id FROM qr.slots s JOIN qr.racks r ON r.id = s.rack_id
          WHERE r.venue_id = $1 AND s.kind = 'HANGER'
            AND NOT EXISTS (SELECT 1 FROM qr.tickets k WHERE k.slot_id = s.id)
          ORDER BY s.number LIMIT 1`,
        [venueId],
      );
      if (!slot) throw new Error("Venue A ran out of free hangers: give it more in buildWorld");
      return slot.id;
    },
    /** A person invited to A who has not accepted yet, and the token of the link they got. */
    async invitedToA() {
      const email = uniqueEmail("invited-a");
      const { employee } = await adminA.api.employee.create({ email, name: "Invited", venueIds: [venueId] });
      return { employeeId: employee.id, token: await invitationTokenFor(t, email) };
    },
    /** The id of a message of A's still waiting to be sent (a new invitation's). */
    async messageOfA() {
      const { employeeId } = await world.invitedToA();
      const [message] = await t.db.sql.query<{ id: string }>(`SELECT id FROM auth.notification_outbox WHERE employee_id = $1`, [
        employeeId,
      ]);
      return message!.id;
    },
    /** A new active staff member of A, for calls that change or end their employment. */
    async staffOfA() {
      return (await member(t, a.organizationId, "EMPLOYEE", [venueId], "staff-a")).employeeId;
    },
    /** A password-reset token for a new account. */
    async resetToken() {
      const person = await t.signUp({ email: uniqueEmail("forgetful") });
      await t.client().api.auth.requestPasswordReset({ email: person.me.user.email });
      return tokenIn(await newestMessageTo(t, person.me.user.email, "password-reset"), "/reset-password");
    },
    async tokens() {
      return t.client({ origin: null }).api.auth.issueToken({ email: bystander.me.user.email, password: STRONG_PASSWORD });
    },
  };
  return world;
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
