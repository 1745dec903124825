import type { SlotKind } from "@qrcoats/db";
import type { TestApi } from "../testing";

// Set-ups the coat-check tests share: an organization with a venue and racks, staff, and a
// clock put at an exact instant.

export type VenueOptions = {
  name?: string;
  timezone?: string;
  opensAt?: string;
  closesAt?: string;
  priceCents?: number;
  currency?: string;
  inOutAllowance?: number;
  forgottenDelayMinutes?: number;
};

/**
 * An organization (its admin signed in) with one venue and a rack of each kind asked for. The
 * admin is clocked in there, as the counter requires, unless `adminOnShift` is false.
 */
export async function openVenue(
  t: TestApi,
  label: string,
  options: VenueOptions & { hangers?: number; shelves?: number; adminOnShift?: boolean } = {},
) {
  const { hangers = 5, shelves = 0, adminOnShift = true, ...venueOptions } = options;
  const admin = await t.signUpAdmin(`${label} Ltd`, `admin-${label.toLowerCase().replace(/\W+/g, "-")}@example.com`);
  const venue = await admin.api.venue.create({
    name: `${label} Club`,
    timezone: "Europe/Berlin",
    opensAt: "22:00",
    closesAt: "05:00",
    // Free unless a test is about money: a priced coat is not handed back before it is paid for.
    priceCents: 0,
    ...venueOptions,
  });
  const racks: Partial<Record<SlotKind, Awaited<ReturnType<typeof admin.api.rack.create>>>> = {};
  if (hangers > 0) racks.HANGER = await admin.api.rack.create({ venueId: venue.id, name: "Hangers", slotCount: hangers, kind: "HANGER" });
  if (shelves > 0) racks.SHELF = await admin.api.rack.create({ venueId: venue.id, name: "Shelves", slotCount: shelves, kind: "SHELF" });
  const adminEmployee = await t.db.prisma.employee.findFirstOrThrow({
    where: { organizationId: admin.organization.id },
    select: { id: true },
  });
  if (adminOnShift) await admin.api.shift.clockIn({ venueId: venue.id });
  return { admin, adminEmployeeId: adminEmployee.id, organizationId: admin.organization.id, venue, racks };
}

/**
 * An attendant of the organization, assigned to the given venues. Not clocked in: see
 * `hireAttendantOnShift` for one ready for the counter.
 */
export async function hireAttendant(t: TestApi, organizationId: string, email: string, venueIds: string[], name?: string) {
  const person = await t.signUp({ email, name });
  const membership = await t.db.prisma.membership.create({
    data: {
      userId: person.me.user.id,
      organizationId,
      role: "EMPLOYEE",
      employee: { create: { organizationId, name: person.me.user.name, email: person.me.user.email } },
    },
    select: { employee: { select: { id: true } } },
  });
  const employeeId = membership.employee!.id;
  for (const venueId of venueIds) await t.db.prisma.employeeVenue.create({ data: { employeeId, venueId } });
  return { ...person, employeeId };
}

/** An attendant assigned to the given venues and clocked in at the first, ready for the counter. */
export async function hireAttendantOnShift(t: TestApi, organizationId: string, email: string, venueIds: string[], name?: string) {
  const attendant = await hireAttendant(t, organizationId, email, venueIds, name);
  if (venueIds[0]) await attendant.api.shift.clockIn({ venueId: venueIds[0] });
  return attendant;
}

/** Moves the test clock to an instant; only real milliseconds elapsed since then drift it. */
export function setClock(t: TestApi, at: Date | string) {
  t.clock.advance(new Date(at).getTime() - t.clock.now().getTime());
}

/** What the tests read of a stored scan event. */
export const storedEventSelect = {
  action: true,
  result: true,
  reason: true,
  employeeId: true,
  ticketId: true,
  unknownCodeHash: true,
  fromState: true,
  toState: true,
  slotId: true,
  toSlotId: true,
  paymentStatus: true,
  amountCents: true,
  venueId: true,
  organizationId: true,
} as const;

/** The scan events of a venue as stored, oldest first. */
export function storedEvents(t: TestApi, where: { venueId?: string; ticketId?: string | null }) {
  return t.db.prisma.scanEvent.findMany({ where, orderBy: { id: "asc" }, select: storedEventSelect });
}

type ShiftApi = { shift: { clockOut: () => Promise<unknown>; clockIn: (input: { venueId: string }) => Promise<unknown> } };

/**
 * Runs counter work at another venue on a shift there, then back on a shift where the member
 * was: counter actions count on the shift of the venue they happen at.
 */
export async function onShiftAt<T>(api: ShiftApi, venueId: string, returnTo: string, work: () => Promise<T>): Promise<T> {
  await api.shift.clockOut().catch(() => {});
  await api.shift.clockIn({ venueId });
  try {
    return await work();
  } finally {
    await api.shift.clockOut();
    await api.shift.clockIn({ venueId: returnTo });
  }
}
