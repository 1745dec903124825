import type { MembershipStatus, Prisma, PrismaClient } from "@qrcoats/db";
import type { ApiKeys } from "../config";
import type { Deps } from "../context";
import { decryptField, encryptField, lookupHash, phoneLastDigits } from "../lib/field-crypto";
import { decodeCursor, keysetAfter, toPage, type Page } from "../lib/pagination";
import { assertVenuesOfOrganization, type Member } from "../venue/access";
import { assertEmployeeOfOrganization, assertSelfOrAdmin } from "./access";

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * What an employee record is made from. It reads the sealed phone only for `toEmployee` to
 * decrypt it for those allowed; it is never returned as stored. Nothing is read from the
 * account: an invitee's record is what the admin typed, and their account, if they have one,
 * is none of the organization's business until they accept.
 */
const employeeRecordSelect = {
  id: true,
  organizationId: true,
  name: true,
  email: true,
  position: true,
  phoneEncrypted: true,
  createdAt: true,
  membership: { select: { role: true, status: true, userId: true } },
  venues: { select: { venue: { select: { id: true, name: true } } }, orderBy: { venue: { name: "asc" } } },
} satisfies Prisma.EmployeeSelect;

type EmployeeRow = Prisma.EmployeeGetPayload<{ select: typeof employeeRecordSelect }>;

export type EmployeeRecord = ReturnType<typeof toEmployee>;

const statusWhere = (status: MembershipStatus): Prisma.EmployeeWhereInput => ({ membership: { status } });

function toEmployee(row: EmployeeRow, keys: ApiKeys, viewer: Member) {
  // Contact details are for the organization's admins and the person themself.
  const mayReadPhone = viewer.employeeId === row.id || (viewer.role === "ADMIN" && viewer.organizationId === row.organizationId);
  return {
    id: row.id,
    /** Null until they accept their invitation. */
    userId: row.membership.userId,
    name: row.name,
    email: row.email,
    role: row.membership.role,
    status: row.membership.status,
    position: row.position,
    phone: mayReadPhone && row.phoneEncrypted ? decryptField(keys, "employee.phone", row.phoneEncrypted) : null,
    venues: row.venues.map(({ venue }) => venue),
    createdAt: row.createdAt,
  };
}

/** The stored form of a phone number: sealed, with a keyed hash of its last digits to search by. */
export function sealPhone(keys: ApiKeys, phone: string | null) {
  if (phone === null) return { phoneEncrypted: null, phoneLastDigitsHash: null };
  const lastDigits = phoneLastDigits(phone);
  return {
    phoneEncrypted: encryptField(keys, "employee.phone", phone),
    phoneLastDigitsHash: lastDigits ? lookupHash(keys, "employee.phoneLastDigits", lastDigits) : null,
  };
}

/** One employee as `viewer` may see them; the caller has checked that they may. */
export async function readEmployee(db: Db, keys: ApiKeys, viewer: Member, employeeId: string): Promise<EmployeeRecord> {
  const row = await db.employee.findUniqueOrThrow({ where: { id: employeeId }, select: employeeRecordSelect });
  return toEmployee(row, keys, viewer);
}

export async function getEmployee(
  deps: Pick<Deps, "prisma" | "config">,
  viewer: Member,
  { employeeId }: { employeeId: string },
): Promise<EmployeeRecord> {
  await assertEmployeeOfOrganization(deps.prisma, viewer.organizationId, employeeId);
  assertSelfOrAdmin(viewer, employeeId);
  return readEmployee(deps.prisma, deps.config.keys, viewer, employeeId);
}

/** The caller's own staff record. */
export async function ownEmployeeRecord(deps: Pick<Deps, "prisma" | "config">, member: Member): Promise<EmployeeRecord> {
  return readEmployee(deps.prisma, deps.config.keys, member, member.employeeId);
}

export type EmployeeListInput = {
  search?: string;
  venueId?: string;
  status?: MembershipStatus;
  cursor?: string;
  limit: number;
};

/** Searches that look like a phone number ("0176 1234", "+49-1234") also try its last digits. */
const PHONE_SEARCH = /^[\d\s()+./-]+$/;

/** The organization's staff by name, then id: one query whatever the page size. */
export async function listEmployees(
  deps: Pick<Deps, "prisma" | "config">,
  admin: Member,
  input: EmployeeListInput,
): Promise<Page<EmployeeRecord>> {
  if (input.venueId) await assertVenuesOfOrganization(deps.prisma, admin.organizationId, [input.venueId]);
  const filters: Prisma.EmployeeWhereInput[] = [];
  if (input.status) filters.push(statusWhere(input.status));
  if (input.search) {
    const matches: Prisma.EmployeeWhereInput[] = [
      { name: { contains: input.search, mode: "insensitive" } },
      { email: { contains: input.search, mode: "insensitive" } },
    ];
    const lastDigits = PHONE_SEARCH.test(input.search) ? phoneLastDigits(input.search) : null;
    if (lastDigits) {
      matches.push({ phoneLastDigitsHash: lookupHash(deps.config.keys, "employee.phoneLastDigits", lastDigits) });
    }
    filters.push({ OR: matches });
  }
  if (input.cursor) {
    const [name, id] = decodeCursor(input.cursor, 2) as [string, string];
    filters.push(keysetAfter("name", "asc", name, id));
  }
  const rows = await deps.prisma.employee.findMany({
    where: {
      organizationId: admin.organizationId,
      ...(input.venueId ? { venues: { some: { venueId: input.venueId } } } : {}),
      AND: filters,
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: input.limit + 1,
    select: employeeRecordSelect,
  });
  return toPage(
    rows,
    input.limit,
    (row) => [row.name, row.id],
    (row) => toEmployee(row, deps.config.keys, admin),
  );
}
