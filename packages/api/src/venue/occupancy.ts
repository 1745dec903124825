import type { Deps, Principal } from "../context";
import { openLiveStream, staffAccess, type StreamDeps } from "../live/streams";
import { memberOf } from "../trpc";
import { assertWorksAtVenue, type Member } from "./access";
import { listRacks } from "./racks";

/** How full each rack of a venue is, now and after every change, for its attendants. */
export async function* liveOccupancy(
  deps: StreamDeps & Pick<Deps, "prisma">,
  caller: Principal,
  { venueId }: { venueId: string },
  signal?: AbortSignal,
) {
  const member = memberOf(caller);
  const stillAllowed = (now: Member) => assertWorksAtVenue(deps.prisma, now, venueId);
  await stillAllowed(member);
  const stream = await openLiveStream(deps, caller, "qrcoats_tickets", signal, staffAccess(deps, caller, "MEMBER", stillAllowed));
  try {
    yield await listRacks(deps, member, { venueId });
    for await (const notice of stream.notices) {
      if (notice.venueId !== venueId) continue;
      // A rush changes many slots at once: one snapshot per burst is enough.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const snapshot = await listRacks(deps, member, { venueId });
      stream.assertAllowed();
      yield snapshot;
    }
    stream.assertAllowed();
  } finally {
    stream.close();
  }
}
