import type { Context } from "../context";
import { openLiveStream, staffAccess } from "../live/streams";
import { assertWorksAtVenue, type Member } from "./access";
import { listRacks } from "./racks";

/** How full each rack of a venue is, now and after every change, for its attendants. */
export async function* liveOccupancy(ctx: Context, member: Member, venueId: string, signal?: AbortSignal) {
  const stillAllowed = (now: Member) => assertWorksAtVenue(ctx.prisma, now, venueId);
  await stillAllowed(member);
  const stream = await openLiveStream(ctx, "qrcoats_tickets", signal, staffAccess(ctx, "MEMBER", stillAllowed));
  try {
    yield await listRacks(ctx.prisma, member.organizationId, venueId);
    for await (const notice of stream.notices) {
      if (notice.venueId !== venueId) continue;
      // A rush changes many slots at once: one snapshot per burst is enough.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const snapshot = await listRacks(ctx.prisma, member.organizationId, venueId);
      stream.assertAllowed();
      yield snapshot;
    }
    stream.assertAllowed();
  } finally {
    stream.close();
  }
}
