import type { Context } from "../context";
import { assertWorksAtVenue, type Member } from "./access";
import { listRacks } from "./racks";

/** How full each rack of a venue is, now and after every change, for its attendants. */
export async function* liveOccupancy(ctx: Context, member: Member, venueId: string, signal?: AbortSignal) {
  await assertWorksAtVenue(ctx.prisma, member, venueId);
  const notices = ctx.live.stream("qrcoats_tickets", signal ?? new AbortController().signal);
  await ctx.live.ready("qrcoats_tickets");
  yield await listRacks(ctx.prisma, member.organizationId, venueId);
  for await (const notice of notices) {
    if (notice.venueId !== venueId) continue;
    // A rush changes many slots at once: one snapshot per burst is enough.
    await new Promise((resolve) => setTimeout(resolve, 200));
    yield await listRacks(ctx.prisma, member.organizationId, venueId);
  }
}
