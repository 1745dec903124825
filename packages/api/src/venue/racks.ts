import { oneRow, prismaRunner, type Prisma, type SlotKind } from "@qrcoats/db";
import { TRPCError } from "@trpc/server";
import type { Deps } from "../context";
import { assertVenuesOfOrganization, type Member } from "./access";

/** Keeps rack.list, which returns every slot, a bounded answer. */
export const MAX_SLOTS_PER_VENUE = 5000;

const rackSelect = {
  id: true,
  name: true,
  createdAt: true,
  slots: {
    orderBy: { number: "asc" },
    select: { id: true, number: true, kind: true, ticket: { select: { id: true, number: true } } },
  },
} satisfies Prisma.RackSelect;

type RackRow = Prisma.RackGetPayload<{ select: typeof rackSelect }>;

function toRack(rack: RackRow) {
  const slots = rack.slots.map(({ ticket, ...slot }) => ({ ...slot, occupied: ticket !== null, ticket }));
  const occupiedCount = slots.filter((slot) => slot.occupied).length;
  return {
    id: rack.id,
    name: rack.name,
    createdAt: rack.createdAt,
    kind: rack.slots[0]?.kind ?? null,
    slotCount: slots.length,
    occupiedCount,
    freeCount: slots.length - occupiedCount,
    slots,
  };
}

export type RackView = ReturnType<typeof toRack>;

export async function createRack(
  { prisma, clock }: Pick<Deps, "prisma" | "clock">,
  { organizationId }: Member,
  input: { venueId: string; name: string; slotCount: number; kind: SlotKind },
): Promise<RackView> {
  const now = clock();
  await assertVenuesOfOrganization(prisma, organizationId, [input.venueId]);
  return prisma.$transaction(async (tx) => {
    // Racks added at once to one venue take their slot numbers one after the other; the
    // highest number is read after the lock, so it includes what the other one committed.
    const sql = prismaRunner(tx);
    await sql.query<{ id: string }>(`SELECT id FROM qr.venues WHERE id = $1::uuid FOR UPDATE`, [input.venueId]);
    const existing = oneRow(
      await sql.query<{ highest: number; count: number; sameName: boolean }>(
        `SELECT coalesce(max(number), 0)::int AS highest,
                count(*)::int AS count,
                EXISTS (SELECT 1 FROM qr.racks WHERE venue_id = $1::uuid AND name = $2) AS "sameName"
           FROM qr.slots WHERE venue_id = $1::uuid`,
        [input.venueId, input.name],
      ),
    );
    if (existing.sameName) {
      throw new TRPCError({ code: "CONFLICT", message: `This venue already has a rack called ${input.name}.` });
    }
    if (existing.count + input.slotCount > MAX_SLOTS_PER_VENUE) {
      throw new TRPCError({
        code: "CONFLICT",
        message: `A venue has at most ${MAX_SLOTS_PER_VENUE} slots; this one has ${existing.count}.`,
      });
    }
    const rack = await tx.rack.create({ data: { venueId: input.venueId, name: input.name, createdAt: now }, select: { id: true } });
    await tx.slot.createMany({
      data: Array.from({ length: input.slotCount }, (_, i) => ({
        venueId: input.venueId,
        rackId: rack.id,
        number: existing.highest + 1 + i,
        kind: input.kind,
        createdAt: now,
      })),
    });
    return toRack(await tx.rack.findUniqueOrThrow({ where: { id: rack.id }, select: rackSelect }));
  });
}

export async function renameRack(
  { prisma }: Pick<Deps, "prisma">,
  { organizationId }: Member,
  { rackId, name }: { rackId: string; name: string },
): Promise<RackView> {
  const rack = await prisma.rack.findUnique({
    where: { id: rackId },
    select: { venueId: true, venue: { select: { organizationId: true } } },
  });
  // Another organization's rack is answered as no rack at all: its id is never confirmed.
  if (!rack || rack.venue.organizationId !== organizationId) throw new TRPCError({ code: "NOT_FOUND", message: "No such rack." });
  const clash = await prisma.rack.findFirst({ where: { venueId: rack.venueId, name, id: { not: rackId } }, select: { id: true } });
  if (clash) throw new TRPCError({ code: "CONFLICT", message: `This venue already has a rack called ${name}.` });
  return toRack(await prisma.rack.update({ where: { id: rackId }, data: { name }, select: rackSelect }));
}

/** Every rack of a venue with its slots and which of them hold a ticket right now. */
export async function listRacks({ prisma }: Pick<Deps, "prisma">, { organizationId }: Member, { venueId }: { venueId: string }) {
  await assertVenuesOfOrganization(prisma, organizationId, [venueId]);
  const racks = (await prisma.rack.findMany({ where: { venueId }, select: rackSelect }))
    .map(toRack)
    .sort((a, b) => (a.slots[0]?.number ?? 0) - (b.slots[0]?.number ?? 0));
  const totals = (kind: SlotKind) => {
    const slots = racks.flatMap((rack) => rack.slots).filter((slot) => slot.kind === kind);
    const occupied = slots.filter((slot) => slot.occupied).length;
    return { slotCount: slots.length, occupiedCount: occupied, freeCount: slots.length - occupied };
  };
  return { racks, totals: { HANGER: totals("HANGER"), SHELF: totals("SHELF") } };
}
