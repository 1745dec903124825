import { tracked } from "@trpc/server";
import type { Deps, Principal } from "../context";
import { openLiveStream, staffAccess, type StreamDeps } from "../live/streams";
import { adminOf } from "../trpc";
import { assertVenuesOfOrganization, type Member } from "../venue/access";
import { latestVenueEventId, venueEventsAfter } from "./history";
import { publicTicketView, verifiedPublicId } from "./tickets";

// Live updates over server-sent events. Each stream subscribes first, then reads the
// database, so nothing that happens in between is lost; notifications only say "something
// changed here", and each subscriber reads what it may see. Streams are opened and closed
// through live/streams.ts, which counts them and re-checks staff access while they run.

/** Events read per round trip while catching up. */
const BATCH = 200;

/**
 * Every counter event at a venue as it happens, for its organization's admins. Resumes
 * after `lastEventId` (the last event the client saw), so a dropped connection misses nothing.
 */
export async function* liveScanFeed(
  deps: StreamDeps & Pick<Deps, "prisma">,
  caller: Principal,
  { venueId, lastEventId }: { venueId: string; lastEventId?: string },
  signal?: AbortSignal,
) {
  const stillAllowed = (member: Member) => assertVenuesOfOrganization(deps.prisma, member.organizationId, [venueId]);
  await stillAllowed(adminOf(caller));
  const stream = await openLiveStream(deps, caller, "qrcoats_scan_events", signal, staffAccess(deps, caller, "ADMIN", stillAllowed));
  try {
    let last = lastEventId !== undefined ? BigInt(lastEventId) : await latestVenueEventId(deps.prisma, venueId);
    const catchUp = async function* () {
      for (;;) {
        const events = await venueEventsAfter(deps.prisma, venueId, last, BATCH);
        for (const event of events) {
          stream.assertAllowed();
          last = BigInt(event.id);
          yield tracked(event.id, event);
        }
        if (events.length < BATCH) return;
      }
    };
    yield* catchUp();
    for await (const notice of stream.notices) {
      if (notice.venueId === venueId && BigInt(notice.id) > last) yield* catchUp();
    }
    stream.assertAllowed();
  } finally {
    stream.close();
  }
}

/**
 * A ticket's state for whoever holds its code — the guest's page turns to "checked in" and
 * "returned" by itself. Only the public view is ever sent, as `qr.view` shows it. Each
 * change comes from its notice, which carries the state it committed: every state arrives,
 * in order, however quickly the next one follows.
 */
export async function* watchTicket(
  deps: StreamDeps & Pick<Deps, "prisma">,
  caller: Principal | null,
  { code }: { code: string },
  signal?: AbortSignal,
) {
  // Anyone may call this: a forged code is refused before anything is held for it.
  const publicId = verifiedPublicId(deps.config, code);
  const stream = await openLiveStream(deps, caller, "qrcoats_tickets", signal);
  try {
    const view = await publicTicketView(deps, { code });
    yield view;
    const ticketIdOf = async () => (await deps.prisma.ticket.findUnique({ where: { publicId }, select: { id: true } }))?.id ?? null;
    // A walk-in ticket handed out offline becomes a row only when its counter syncs.
    let ticketId = await ticketIdOf();
    for await (const notice of stream.notices) {
      ticketId ??= await ticketIdOf();
      if (notice.ticketId === ticketId) yield { ...view, state: notice.state, updatedAt: new Date(notice.updatedAt) };
    }
  } finally {
    stream.close();
  }
}
