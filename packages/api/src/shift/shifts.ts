import type { Prisma } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
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

function openShiftOf(deps: Pick<Deps, "prisma">, employeeId: string) {
  return deps.prisma.shift.findFirst({ where: { employeeId, endedAt: null }, select: shiftSelect });
}

/** "since 21 Nov, 22:04", in the venue's own time: what the person saw on the wall clock. */
async function alreadyClockedIn(deps: Pick<Deps, "prisma">, employeeId: string): Promise<TRPCError> {
  const open = await deps.prisma.shift.findFirst({
    where: { employeeId, endedAt: null },
    select: { startedAt: true, venue: { select: { name: true, timezone: true } } },
  });
  const since = open
    ? new Intl.DateTimeFormat("en-GB", {
        timeZone: open.venue.timezone,
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
      }).format(open.startedAt)
    : "a moment ago";
  return new TRPCError({
    code: "CONFLICT",
    message: `You are already clocked in at ${open?.venue.name ?? "another venue"} since ${since}.`,
  });
}

export async function clockIn(
  deps: Pick<Deps, "prisma" | "clock">,
  member: Member,
  { venueId }: { venueId: string },
): Promise<ShiftRecord> {
  await assertWorksAtVenue(deps.prisma, member, venueId);
  if (await openShiftOf(deps, member.employeeId)) throw await alreadyClockedIn(deps, member.employeeId);
  try {
    return await deps.prisma.shift.create({
      data: { organizationId: member.organizationId, employeeId: member.employeeId, venueId, startedAt: deps.clock() },
      select: shiftSelect,
    });
  } catch (error) {
    // Clock-ins racing past the check above: the one-open-shift index lets one through.
    if (isUniqueViolation(error)) throw await alreadyClockedIn(deps, member.employeeId);
    throw error;
  }
}

export async function clockOut(deps: Pick<Deps, "prisma" | "clock">, member: Member): Promise<ShiftRecord> {
  const open = await openShiftOf(deps, member.employeeId);
  const notClockedIn = new TRPCError({ code: "CONFLICT", message: "You are not clocked in." });
  if (!open) throw notClockedIn;
  const closed = await deps.prisma.shift.updateMany({ where: { id: open.id, endedAt: null }, data: { endedAt: deps.clock() } });
  if (closed.count === 0) throw notClockedIn;
  return deps.prisma.shift.findUniqueOrThrow({ where: { id: open.id }, select: shiftSelect });
}

export async function currentShift(deps: Pick<Deps, "prisma">, member: Member): Promise<ShiftRecord | null> {
  return openShiftOf(deps, member.employeeId);
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
export async function listShifts(deps: Pick<Deps, "prisma">, actor: Member, input: ShiftListInput): Promise<Page<ShiftRecord>> {
  let { employeeId } = input;
  if (actor.role !== "ADMIN") {
    if (employeeId !== undefined && employeeId !== actor.employeeId) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only see your own shifts." });
    }
    employeeId = actor.employeeId;
  } else if (employeeId) {
    await assertEmployeeOfOrganization(deps.prisma, actor.organizationId, employeeId);
  }
  if (input.venueId) await assertVenuesOfOrganization(deps.prisma, actor.organizationId, [input.venueId]);
  const filters: Prisma.ShiftWhereInput[] = [];
  if (input.to) filters.push({ startedAt: { lt: input.to } });
  if (input.from) filters.push({ OR: [{ endedAt: null }, { endedAt: { gt: input.from } }] });
  if (input.cursor) {
    const after = decodeTimeCursor(input.cursor);
    filters.push(keysetAfter("startedAt", "desc", after.at, after.id));
  }
  const rows = await deps.prisma.shift.findMany({
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
  return toPage(
    rows,
    input.limit,
    (row) => [row.startedAt.toISOString(), row.id],
    (row) => row,
  );
}
