import type { Deps, Principal } from "../context";
import type { LiveNotices, NoticeStream } from "../live/hub";
import { mergeStreams } from "../live/merge";
import { openLiveStream, staffAccess, type StreamDeps } from "../live/streams";
import { memberOf } from "../trpc";
import { assertWorksAtVenue, type Member } from "../venue/access";
import { boardVenue } from "./boards";
import { readVenueQueue } from "./queue";
import { boardOf, type VenueQueue } from "./rules";

// The closing rush, live. Every change of a request announces itself (qrcoats_pickups); the
// venue's queue is then read once for every stream of this host that follows that venue —
// the counter's queue, the pickup board, guests' pages — because the same notice object
// reaches them all and the read is kept against it.

type QueueDeps = StreamDeps & Pick<Deps, "prisma">;

type PickupNotice = LiveNotices["qrcoats_pickups"];

const readsByNotice = new WeakMap<PickupNotice, Promise<VenueQueue | null>>();

/** The venue's queue as it is after this notice: one read per notice, however many streams ask. */
export function queueAfter(deps: Pick<Deps, "db" | "clock">, notice: PickupNotice): Promise<VenueQueue | null> {
  let read = readsByNotice.get(notice);
  if (!read) {
    read = readVenueQueue(deps.db.sql, notice.venueId, deps.clock());
    readsByNotice.set(notice, read);
  }
  return read;
}

/** A burst of changes (a walk's worth of "fetched", a rush of requests) is shown once, at its end. */
const BURST_MS = 150;

/**
 * The last notice of the venue once a burst has settled: the ones waiting behind `first` are
 * skipped, so a stream does one read and sends one view per burst, not one per change.
 */
async function endOfBurst(notices: NoticeStream<PickupNotice>, first: PickupNotice): Promise<PickupNotice> {
  await new Promise((resolve) => setTimeout(resolve, BURST_MS));
  return notices.takeWaiting().findLast((notice) => notice.venueId === first.venueId) ?? first;
}

/** A venue's pickup queue for its attendants: the whole queue now, then after every change. */
export async function* pickupQueueFeed(deps: QueueDeps, caller: Principal, { venueId }: { venueId: string }, signal?: AbortSignal) {
  const member = memberOf(caller);
  const stillAllowed = (now: Member) => assertWorksAtVenue(deps.prisma, now, venueId);
  await stillAllowed(member);
  const stream = await openLiveStream(deps, caller, "qrcoats_pickups", signal, staffAccess(deps, caller, "MEMBER", stillAllowed));
  try {
    const first = await readVenueQueue(deps.db.sql, venueId, deps.clock());
    if (first) yield first;
    for await (const notice of stream.notices) {
      if (notice.venueId !== venueId) continue;
      const queue = await queueAfter(deps, await endOfBurst(stream.notices, notice));
      stream.assertAllowed();
      if (queue) yield queue;
    }
    stream.assertAllowed();
  } finally {
    stream.close();
  }
}

/** Requests "in 5 minutes" join the board when due, with no change to announce it. */
const BOARD_TICK_MS = 15_000;

/**
 * The pickup board: ticket numbers only, for a screen that signed in with its link alone.
 * A revoked link ends the stream within the access-check interval.
 */
export async function* pickupBoardFeed(deps: QueueDeps, { token }: { token: string }, signal?: AbortSignal) {
  const { venueId } = await boardVenue(deps, token);
  const stream = await openLiveStream(deps, null, "qrcoats_pickups", signal, async () => {
    await boardVenue(deps, token);
  });
  try {
    let queue = await readVenueQueue(deps.db.sql, venueId, deps.clock());
    if (!queue) return;
    let shown = boardOf(queue, deps.clock());
    yield shown;
    for await (const notice of mergeStreams([stream.notices], BOARD_TICK_MS)) {
      if (notice !== "tick") {
        if (notice.venueId !== venueId) continue;
        queue = (await queueAfter(deps, await endOfBurst(stream.notices, notice))) ?? queue;
      }
      stream.assertAllowed();
      const board = boardOf(queue, deps.clock());
      if (JSON.stringify(board) === JSON.stringify(shown)) continue;
      shown = board;
      yield board;
    }
    stream.assertAllowed();
  } finally {
    stream.close();
  }
}
