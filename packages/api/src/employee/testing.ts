import type { Role } from "@qrcoats/db";
import { newestMessageTo, tokenIn } from "../notifications/testing";
import { STRONG_PASSWORD, type TestApi, type TestClient } from "../testing";

// Test fixtures for every domain that needs staff: people are hired the way admins hire
// them (invitation email, accepted link), so the fixtures exercise the real path too.

type Admin = Awaited<ReturnType<TestApi["signUpAdmin"]>>;

/** Moves the test clock to an exact instant, for timelines with known boundaries. */
export function travelTo(t: TestApi, instant: Date): void {
  t.clock.advance(instant.getTime() - t.clock.now().getTime());
}

/** A venue written directly: the venue procedures belong to the coat-check domain. */
export async function createVenue(t: TestApi, organizationId: string, name: string) {
  return t.db.prisma.venue.create({
    data: { organizationId, name, timezone: "Europe/Berlin", opensAt: "20:00", closesAt: "04:00" },
    select: { id: true, name: true },
  });
}

/** The token of the newest invitation emailed to `email`, read from the outbox as it would arrive. */
export async function invitationTokenFor(t: TestApi, email: string): Promise<string> {
  return tokenIn(await newestMessageTo(t, email, "employee-invitation"), "/accept-invitation");
}

export type Staff = TestClient & { employeeId: string; userId: string; email: string };

/** Invites a person as `admin` and accepts the link in a browser of their own. */
export async function hire(
  t: TestApi,
  admin: Admin,
  person: { email: string; name?: string; role?: Role; venueIds?: string[]; phone?: string; position?: string },
): Promise<Staff> {
  const { employee } = await admin.api.employee.create({
    email: person.email,
    name: person.name ?? person.email.split("@")[0]!,
    role: person.role,
    venueIds: person.venueIds ?? [],
    phone: person.phone,
    position: person.position,
  });
  const browser = t.client();
  const me = await browser.api.employee.acceptInvitation({ token: await invitationTokenFor(t, person.email), password: STRONG_PASSWORD });
  return { ...browser, employeeId: employee.id, userId: me.user.id, email: employee.email };
}

/** An organization with its first admin signed in, and the admin's own staff record id. */
export async function founder(t: TestApi, orgName: string, email: string) {
  const admin = await t.signUpAdmin(orgName, email);
  const { id: employeeId } = await admin.api.employee.me();
  return { ...admin, employeeId };
}
