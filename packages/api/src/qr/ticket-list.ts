import type { Prisma, TicketState } from "@qrcoats/db";
import type { Deps } from "../context";
import { decodeTimeCursor, keysetAfter, toPage, type Page } from "../lib/pagination";
import { assertVenuesOfOrganization, type Member } from "../venue/access";

// The admin's table of tickets. Rows and their venue, slot, guest and issuer come back in
// one joined query (relationJoins), so a page of 100 costs what a page of 5 does.

const ticketRowSelect = {
  id: true,
  number: true,
  state: true,
  issuedAt: true,
  checkedInAt: true,
  returnedAt: true,
  voidedAt: true,
  forgottenAt: true,
  voidReason: true,
  inOutsUsed: true,
  paymentStatus: true,
  amountCents: true,
  venue: { select: { id: true, name: true, currency: true } },
  slot: { select: { number: true } },
  guest: { select: { name: true } },
  issuedBy: { select: { id: true, name: true } },
} satisfies Prisma.TicketSelect;

type TicketRow = Prisma.TicketGetPayload<{ select: typeof ticketRowSelect }>;

function toTicketListItem({ slot, guest, issuedBy, ...ticket }: TicketRow) {
  return {
    ...ticket,
    slotNumber: slot?.number ?? null,
    /** A registered guest's name; walk-ins' contacts stay sealed here (lost-ticket lookup opens them). */
    guestName: guest?.name ?? null,
    issuedBy,
  };
}

export type TicketListItem = ReturnType<typeof toTicketListItem>;

export type TicketListQuery = {
  venueId?: string;
  state?: TicketState;
  /** A ticket number: tickets are numbered per venue, so several venues may each have one. */
  number?: number;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
};

/** The organization's tickets, newest issued first, filtered by venue, state, number and issue period. */
export async function listTickets(
  { prisma }: Pick<Deps, "prisma">,
  { organizationId }: Member,
  query: TicketListQuery,
): Promise<Page<TicketListItem>> {
  if (query.venueId) await assertVenuesOfOrganization(prisma, organizationId, [query.venueId]);
  const after = query.cursor ? decodeTimeCursor(query.cursor) : null;
  const rows = await prisma.ticket.findMany({
    where: {
      organizationId,
      venueId: query.venueId,
      state: query.state,
      number: query.number,
      issuedAt: query.from || query.to ? { gte: query.from, lt: query.to } : undefined,
      ...(after ? keysetAfter("issuedAt", "desc", after.at, after.id) : {}),
    },
    orderBy: [{ issuedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: ticketRowSelect,
  });
  return toPage(rows, query.limit, (row) => [row.issuedAt.toISOString(), row.id], toTicketListItem);
}
