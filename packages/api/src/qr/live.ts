import { tracked } from "@trpc/server";
import type { Context } from "../context";
import { assertVenuesOfOrganization, type Member } from "../venue/access";
import { candidateCode, verifyCode } from "./codes";
import { latestVenueEventId, venueEventsAfter } from "./history";
import { publicTicketView } from "./tickets";

// Live updates over server-sent events. Each stream subscribes first, then reads the
// database, so nothing that happens in between is lost; notifications only say "something
// changed here", and each subscriber reads what it may see.

/** Events read per round trip while catching up. */
const BATCH = 200;

/**
 * Every counter event at a venue as it happens, for its organization's admins. Resumes
 * after `lastEventId` (the last event the client saw), so a dropped connection misses nothing.
 */
export async function* liveScanFeed(ctx: Context, admin: Member, venueId: string, lastEventId: string | undefined, signal?: AbortSignal) {
  await assertVenuesOfOrganization(ctx.prisma, admin.organizationId, [venueId]);
  const notices = ctx.live.stream("qrcoats_scan_events", signal ?? new AbortController().signal);
  await ctx.live.ready("qrcoats_scan_events");
  let last = lastEventId !== undefined ? BigInt(lastEventId) : await latestVenueEventId(ctx.prisma, venueId);
  const catchUp = async function* () {
    for (;;) {
      const events = await venueEventsAfter(ctx.prisma, venueId, last, BATCH);
      for (const event of events) {
        last = BigInt(event.id);
        yield tracked(event.id, event);
      }
      if (events.length < BATCH) return;
    }
  };
  yield* catchUp();
  for await (const notice of notices) {
    if (notice.venueId === venueId && BigInt(notice.id) > last) yield* catchUp();
  }
}

/**
 * A ticket's state for whoever holds its code — the guest's page turns to "checked in" and
 * "returned" by itself. Only the public view is ever sent, as `qr.view` shows it. Each
 * change comes from its notice, which carries the state it committed: every state arrives,
 * in order, however quickly the next one follows.
 */
export async function* watchTicket(ctx: Context, code: string, signal?: AbortSignal) {
  const notices = ctx.live.stream("qrcoats_tickets", signal ?? new AbortController().signal);
  await ctx.live.ready("qrcoats_tickets");
  // publicTicketView refuses an invalid code before anything else happens.
  const view = await publicTicketView(ctx, code);
  yield view;
  const publicId = verifyCode(ctx.config.keys.ticketSigning, candidateCode(code))!;
  const { id: ticketId } = await ctx.prisma.ticket.findUniqueOrThrow({ where: { publicId }, select: { id: true } });
  for await (const notice of notices) {
    if (notice.ticketId === ticketId) yield { ...view, state: notice.state, updatedAt: new Date(notice.updatedAt) };
  }
}
