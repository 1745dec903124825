import { tracked } from "@trpc/server";
import type { Deps, Principal } from "../context";
import type { LiveNotices } from "../live/hub";
import { mergeStreams } from "../live/merge";
import { openLiveStream, staffAccess, type StreamDeps } from "../live/streams";
import { adminOf } from "../trpc";
import { assertVenuesOfOrganization, type Member } from "../venue/access";
import { latestVenueEventId, venueEventsAfter } from "./history";
import { queueAfter } from "../pickup/live";
import { ticketPickup } from "../pickup/requests";
import { guestPickupOf } from "../pickup/rules";
import { publicTicketView, verifiedPublicId, type PublicTicketView } from "./tickets";

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

/** How often a queued guest's place is refreshed while others' requests move. */
const PLACE_REFRESH_MS = 2_000;

/**
 * A ticket's state for whoever holds its code — the guest's page turns to "checked in" and
 * "returned" by itself, and follows its pickup request (docs/pickup.md): its place in the
 * queue, "being fetched", "ready". Only the public view is ever sent, as `qr.view` shows it.
 * Each state change comes from its notice, which carries the state it committed: every state
 * arrives, in order, however quickly the next one follows.
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
    const pickups = await stream.also("qrcoats_pickups");
    let view = await publicTicketView(deps, { code });
    yield view;
    const ticketOf = () => deps.prisma.ticket.findUnique({ where: { publicId }, select: { id: true, venueId: true } });
    // A walk-in ticket handed out offline becomes a row only when its counter syncs.
    let ticket = await ticketOf();
    const sql = deps.db.sql;
    // Others' changes move this request's place; the place is refreshed at a bounded pace
    // from the latest of them, so a rush costs each page a message every few seconds at most.
    let placeMoved: LiveNotices["qrcoats_pickups"] | null = null;
    const merged = mergeStreams<LiveNotices["qrcoats_tickets"] | LiveNotices["qrcoats_pickups"]>(
      [stream.notices, pickups],
      PLACE_REFRESH_MS,
    );
    for await (const notice of merged) {
      let next: PublicTicketView;
      if (notice === "tick") {
        if (!placeMoved || view.pickup.request?.state !== "QUEUED") continue;
        const { position: _, waitingForPlace: __, estimateMinutes: ___, holdUntil: ____, ...request } = view.pickup.request;
        const queue = await queueAfter(deps, placeMoved);
        placeMoved = null;
        next = { ...view, pickup: { ...view.pickup, request: guestPickupOf({ ...request, fetchingAt: null }, queue, deps.clock()) } };
        if (JSON.stringify(next.pickup) === JSON.stringify(view.pickup)) continue;
      } else {
        ticket ??= await ticketOf();
        if (!ticket) continue;
        if ("updatedAt" in notice) {
          if (notice.ticketId !== ticket.id) continue;
          const pickup = await ticketPickup(sql, { ...ticket, state: notice.state }, deps.clock());
          next = { ...view, state: notice.state, updatedAt: new Date(notice.updatedAt), pickup };
        } else if (notice.venueId !== ticket.venueId) {
          continue;
        } else if (notice.ticketId === ticket.id || notice.state === "RULES") {
          // Its own request moved, or the venue changed its pickup settings (on or off, the cap).
          next = { ...view, pickup: await ticketPickup(sql, { ...ticket, state: view.state }, deps.clock()) };
          placeMoved = null;
        } else {
          if (view.pickup.request?.state === "QUEUED") placeMoved = notice;
          continue;
        }
      }
      view = next;
      yield view;
    }
  } finally {
    stream.close();
  }
}
