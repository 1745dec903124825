import type { Prisma, PrismaClient } from "@qrcoats/db";
import type { ApiKeys } from "../config";
import type { Context } from "../context";
import { decryptField, encryptField, lookupHash, phoneLastDigits } from "../lib/field-crypto";
import { decodeCursor, toPage, type Page } from "../lib/pagination";
import { assertVenuesOfOrganization, type Member } from "../venue/access";
import { assertEmployeeOfOrganization, assertSelfOrAdmin } from "./access";

type Db = PrismaClient | Prisma.TransactionClient;

export const EMPLOYEE_STATUSES = ["INVITED", "ACTIVE", "DEACTIVATED"] as const;
export type EmployeeStatus = (typeof EMPLOYEE_STATUSES)[number];

/**
 * What an employee record is made from. It reads the sealed phone and the password hash
 * only for `toEmployee` to decrypt the one (for those allowed) and to tell from the other
 * whether the invitation was taken up; neither is ever returned as stored.
 */
const employeeRecordSelect = {
  id: true,
  organizationId: true,
  position: true,
  phoneEncrypted: true,
  createdAt: true,
  membership: {
    select: {
      role: true,
      status: true,
      user: { select: { id: true, name: true, email: true } },
    },
  },
  venues: { select: { venue: { select: { id: true, name: true } } }, orderBy: { venue: { name: "asc" } } },
} satisfies Prisma.EmployeeSelect;

type EmployeeRow = Prisma.EmployeeGetPayload<{ select: typeof employeeRecordSelect }>;

export type EmployeeRecord = ReturnType<typeof toEmployee>;

const statusWhere = (status: EmployeeStatus): Prisma.EmployeeWhereInput => ({ membership: { status } });

function toEmployee(row: EmployeeRow, keys: ApiKeys, viewer: Member) {
  const { user } = row.membership;
  // Contact details are for the organization's admins and the person themself.
  const mayReadPhone = viewer.employeeId === row.id || (viewer.role === "ADMIN" && viewer.organizationId === row.organizationId);
  return {
    id: row.id,
    userId: user.id,
    name: user.name,
    email: user.email,
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

export async function getEmployee(ctx: Context, viewer: Member, employeeId: string): Promise<EmployeeRecord> {
  await assertEmployeeOfOrganization(ctx.prisma, viewer.organizationId, employeeId);
  assertSelfOrAdmin(viewer, employeeId);
  return readEmployee(ctx.prisma, ctx.config.keys, viewer, employeeId);
}

export type EmployeeListInput = {
  search?: string;
  venueId?: string;
  status?: EmployeeStatus;
  cursor?: string;
  limit: number;
};

/** Searches that look like a phone number ("0176 1234", "+49-1234") also try its last digits. */
const PHONE_SEARCH = /^[\d\s()+./-]+$/;

/** The organization's staff by name, then id: one query whatever the page size. */
export async function listEmployees(ctx: Context, admin: Member, input: EmployeeListInput): Promise<Page<EmployeeRecord>> {
  if (input.venueId) await assertVenuesOfOrganization(ctx.prisma, admin.organizationId, [input.venueId]);
  const filters: Prisma.EmployeeWhereInput[] = [];
  if (input.status) filters.push(statusWhere(input.status));
  if (input.search) {
    const matches: Prisma.EmployeeWhereInput[] = [
      { membership: { user: { name: { contains: input.search, mode: "insensitive" } } } },
      { membership: { user: { email: { contains: input.search, mode: "insensitive" } } } },
    ];
    const lastDigits = PHONE_SEARCH.test(input.search) ? phoneLastDigits(input.search) : null;
    if (lastDigits) {
      matches.push({ phoneLastDigitsHash: lookupHash(ctx.config.keys, "employee.phoneLastDigits", lastDigits) });
    }
    filters.push({ OR: matches });
  }
  if (input.cursor) {
    const [name, id] = decodeCursor(input.cursor, 2) as [string, string];
    filters.push({
      OR: [{ membership: { user: { name: { gt: name } } } }, { membership: { user: { name } }, id: { gt: id } }],
    });
  }
  const rows = await ctx.prisma.employee.findMany({
    where: {
      organizationId: admin.organizationId,
      ...(input.venueId ? { venues: { some: { venueId: input.venueId } } } : {}),
      AND: filters,
    },
    orderBy: [{ membership: { user: { name: "asc" } } }, { id: "asc" }],
    take: input.limit + 1,
    select: employeeRecordSelect,
  });
  return toPage(
    rows,
    input.limit,
    (row) => [row.membership.user.name, row.id],
    (row) => toEmployee(row, ctx.config.keys, admin),
  );
}
