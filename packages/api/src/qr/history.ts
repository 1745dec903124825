import type { Prisma, PrismaClient } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Deps } from "../context";
import { assertEmployeeOfOrganization } from "../employee/access";
import { decodeTimeCursor, keysetAfter, toPage, type Page } from "../lib/pagination";
import { assertVenuesOfOrganization, type Member } from "../venue/access";

const historySelect = {
  id: true,
  occurredAt: true,
  action: true,
  result: true,
  reason: true,
  fromState: true,
  toState: true,
  slotId: true,
  toSlotId: true,
  paymentStatus: true,
  amountCents: true,
  takenOffline: true,
  byNumber: true,
  venue: { select: { id: true, name: true } },
  ticket: { select: { id: true, number: true } },
  employee: { select: { id: true, name: true } },
} satisfies Prisma.ScanEventSelect;

type HistoryRow = Prisma.ScanEventGetPayload<{ select: typeof historySelect }>;

function toHistoryItem(row: HistoryRow, slotNumbers: Map<string, number>) {
  const { slotId, toSlotId, employee, id, takenOffline, ...event } = row;
  return {
    ...event,
    id: id.toString(),
    employee,
    /** Done on a counter device without network and synced later (docs/offline.md); occurredAt is when it was done. */
    offline: takenOffline,
    slotNumber: slotId ? (slotNumbers.get(slotId) ?? null) : null,
    toSlotNumber: toSlotId ? (slotNumbers.get(toSlotId) ?? null) : null,
  };
}

export type HistoryItem = ReturnType<typeof toHistoryItem>;

export type HistoryQuery = {
  ticketId?: string;
  venueId?: string;
  employeeId?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
};

/** Scan events are numbered by a bigserial: its value breaks ties, and must fit the column. */
const eventNumber = z.string().regex(/^\d{1,18}$/);

/**
 * Scan history, newest first. Admins see everything in their organization; employees see
 * the whole history of a ticket (to sort out a dispute at the counter) and otherwise only
 * their own events.
 */
export async function scanHistory({ prisma }: Pick<Deps, "prisma">, member: Member, query: HistoryQuery): Promise<Page<HistoryItem>> {
  const where: Prisma.ScanEventWhereInput = { organizationId: member.organizationId };
  if (query.ticketId) {
    const ticket = await prisma.ticket.findUnique({ where: { id: query.ticketId }, select: { organizationId: true } });
    // Another organization's ticket or employee is answered as none at all: ids are never confirmed.
    if (!ticket || ticket.organizationId !== member.organizationId) throw new TRPCError({ code: "NOT_FOUND", message: "No such ticket." });
    where.ticketId = query.ticketId;
  }
  if (query.venueId) {
    await assertVenuesOfOrganization(prisma, member.organizationId, [query.venueId]);
    where.venueId = query.venueId;
  }
  if (query.employeeId) {
    await assertEmployeeOfOrganization(prisma, member.organizationId, query.employeeId);
    if (member.role !== "ADMIN" && query.employeeId !== member.employeeId) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can see your own scan history only." });
    }
    where.employeeId = query.employeeId;
  }
  if (member.role !== "ADMIN" && !query.ticketId) where.employeeId = member.employeeId;
  if (query.from || query.to) where.occurredAt = { gte: query.from, lt: query.to };

  const after = query.cursor ? decodeTimeCursor(query.cursor, eventNumber) : null;
  const rows = await prisma.scanEvent.findMany({
    where: {
      ...where,
      ...(after ? keysetAfter("occurredAt", "desc", after.at, BigInt(after.id)) : {}),
    },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: historySelect,
  });
  const slotIds = [...new Set(rows.flatMap((row) => [row.slotId, row.toSlotId]).filter((id): id is string => id !== null))];
  const slots = slotIds.length ? await prisma.slot.findMany({ where: { id: { in: slotIds } }, select: { id: true, number: true } }) : [];
  const slotNumbers = new Map(slots.map((slot) => [slot.id, slot.number]));
  return toPage(
    rows,
    query.limit,
    (row) => [row.occurredAt.toISOString(), row.id.toString()],
    (row) => toHistoryItem(row, slotNumbers),
  );
}

/**
 * A venue's events after a given one, oldest first: how the live feed catches up after a
 * reconnect, and reads what a notification announced (in batches, however bursty the night).
 */
export async function venueEventsAfter(prisma: PrismaClient, venueId: string, afterId: bigint, limit: number): Promise<HistoryItem[]> {
  const rows = await prisma.scanEvent.findMany({
    where: { venueId, id: { gt: afterId } },
    orderBy: { id: "asc" },
    take: limit,
    select: historySelect,
  });
  const slotIds = [...new Set(rows.flatMap((row) => [row.slotId, row.toSlotId]).filter((id): id is string => id !== null))];
  const slots = slotIds.length ? await prisma.slot.findMany({ where: { id: { in: slotIds } }, select: { id: true, number: true } }) : [];
  const slotNumbers = new Map(slots.map((slot) => [slot.id, slot.number]));
  return rows.map((row) => toHistoryItem(row, slotNumbers));
}

/** The id of a venue's newest event, where a new subscriber's feed starts. */
export async function latestVenueEventId(prisma: PrismaClient, venueId: string): Promise<bigint> {
  const latest = await prisma.scanEvent.findFirst({ where: { venueId }, orderBy: { id: "desc" }, select: { id: true } });
  return latest?.id ?? 0n;
}
