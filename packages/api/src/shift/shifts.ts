import type { Prisma } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Context } from "../context";
import { assertEmployeeOfOrganization } from "../employee/access";
import { isUniqueViolation } from "../lib/errors";
import { decodeTimeCursor, keysetAfter, toPage, type Page } from "../lib/pagination";
import { assertVenuesOfOrganization, assertWorksAtVenue, type Member } from "../venue/access";

const shiftSelect = {
  id: true,
  startedAt: true,
  endedAt: true,
  autoClosed: true,
  venue: { select: { id: true, name: true } },
  employee: { select: { id: true, name: true } },
} satisfies Prisma.ShiftSelect;

export type ShiftRecord = Prisma.ShiftGetPayload<{ select: typeof shiftSelect }>;

function openShiftOf(ctx: Context, employeeId: string) {
  return ctx.prisma.shift.findFirst({ where: { employeeId, endedAt: null }, select: shiftSelect });
}

/** "since 21 Nov, 22:04", in the venue's own time: what the person saw on the wall clock. */
async function alreadyClockedIn(ctx: Context, employeeId: string): Promise<TRPCError> {
  const open = await ctx.prisma.shift.findFirst({
    where: { employeeId, endedAt: null },
    select: { startedAt: true, venue: { select: { name: true, timezone: true } } },
  });
  const since = open
    ? new Intl.DateTimeFormat("en-GB", { timeZone: open.venue.timezone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(open.startedAt)
    : "a moment ago";
  return new TRPCError({ code: "CONFLICT", message: `You are already clocked in at ${open?.venue.name ?? "another venue"} since ${since}.` });
}

export async function clockIn(ctx: Context, member: Member, venueId: string): Promise<ShiftRecord> {
  await assertWorksAtVenue(ctx.prisma, member, venueId);
  if (await openShiftOf(ctx, member.employeeId)) throw await alreadyClockedIn(ctx, member.employeeId);
  try {
    return await ctx.prisma.shift.create({
      data: { organizationId: member.organizationId, employeeId: member.employeeId, venueId, startedAt: ctx.clock() },
      select: shiftSelect,
    });
  } catch (error) {
    // Clock-ins racing past the check above: the one-open-shift index lets one through.
    if (isUniqueViolation(error)) throw await alreadyClockedIn(ctx, member.employeeId);
    throw error;
  }
}

export async function clockOut(ctx: Context, member: Member): Promise<ShiftRecord> {
  const open = await openShiftOf(ctx, member.employeeId);
  const notClockedIn = new TRPCError({ code: "CONFLICT", message: "You are not clocked in." });
  if (!open) throw notClockedIn;
  const closed = await ctx.prisma.shift.updateMany({ where: { id: open.id, endedAt: null }, data: { endedAt: ctx.clock() } });
  if (closed.count === 0) throw notClockedIn;
  return ctx.prisma.shift.findUniqueOrThrow({ where: { id: open.id }, select: shiftSelect });
}

export async function currentShift(ctx: Context, member: Member): Promise<ShiftRecord | null> {
  return openShiftOf(ctx, member.employeeId);
}

export type ShiftListInput = {
  employeeId?: string;
  venueId?: string;
  /** Shifts that overlap [from, to): open ones count as lasting until now. */
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
};

/** Latest first. Admins see the organization's shifts; employees their own. */
export async function listShifts(ctx: Context, actor: Member, input: ShiftListInput): Promise<Page<ShiftRecord>> {
  let { employeeId } = input;
  if (actor.role !== "ADMIN") {
    if (employeeId !== undefined && employeeId !== actor.employeeId) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only see your own shifts." });
    }
    employeeId = actor.employeeId;
  } else if (employeeId) {
    await assertEmployeeOfOrganization(ctx.prisma, actor.organizationId, employeeId);
  }
  if (input.venueId) await assertVenuesOfOrganization(ctx.prisma, actor.organizationId, [input.venueId]);
  const filters: Prisma.ShiftWhereInput[] = [];
  if (input.to) filters.push({ startedAt: { lt: input.to } });
  if (input.from) filters.push({ OR: [{ endedAt: null }, { endedAt: { gt: input.from } }] });
  if (input.cursor) {
    const after = decodeTimeCursor(input.cursor);
    filters.push(keysetAfter("startedAt", "desc", after.at, after.id));
  }
  const rows = await ctx.prisma.shift.findMany({
    where: {
      organizationId: actor.organizationId,
      ...(employeeId ? { employeeId } : {}),
      ...(input.venueId ? { venueId: input.venueId } : {}),
      AND: filters,
    },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: shiftSelect,
  });
  return toPage(rows, input.limit, (row) => [row.startedAt.toISOString(), row.id], (row) => row);
}
