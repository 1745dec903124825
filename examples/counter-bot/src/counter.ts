import { createQRcoatsClient, type RouterOutputs } from "@qrcoats/api/client";
import { EventSource } from "eventsource";

export type Options = { url: string; email: string; password: string; log?: (line: string) => void };

type Occupancy = RouterOutputs["rack"]["list"];

/**
 * One coat through the counter, as an automated attendant: at the venue of its shift (it
 * clocks in at the first venue if it has none), issue a walk-in ticket, scan it, hang it
 * where the system proposes, and hand it back, paid by card when the venue asks — watching
 * the venue's racks live meanwhile, as a display by the counter would.
 */
export async function runCounter({ url, email, password, log = console.log }: Options) {
  // Node 20 has no EventSource of its own; this one also lets the client send its token.
  const qrcoats = createQRcoatsClient({ url, email, password, EventSource });
  let stopWatching = () => {};
  try {
    const me = await qrcoats.api.auth.me.query();
    log(`signed in as ${me.user.name} (${me.membership?.role ?? "guest"} of ${me.membership?.organization.name ?? "no organization"})`);

    const { items: venues } = await qrcoats.api.venue.list.query({});
    log(`venues: ${venues.map((venue) => venue.name).join(", ")}`);
    // Counter actions count on a shift at the venue (docs/api.md, "At the counter").
    const shift = (await qrcoats.api.shift.current.query()) ?? (await qrcoats.api.shift.clockIn.mutate({ venueId: venues[0]?.id ?? "" }));
    const venue = venues.find((candidate) => candidate.id === shift.venue.id);
    if (!venue) throw new Error("This organization has no venue yet.");
    log(`on shift at ${venue.name}`);

    const snapshots: Occupancy[] = [];
    let onSnapshot = () => {};
    const watching = qrcoats.api.rack.occupancy.subscribe(
      { venueId: venue.id },
      {
        onData: (occupancy) => {
          snapshots.push(occupancy);
          onSnapshot();
        },
        onError: (error) => log(`live occupancy stopped: ${error.message}`),
      },
    );
    stopWatching = () => watching.unsubscribe();
    /** The first snapshot, from now on, that satisfies `test`; the feed's own pace, bounded. */
    const nextSnapshot = (test: (occupancy: Occupancy) => boolean) =>
      new Promise<Occupancy>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error("No live occupancy update within 10 s.")), 10_000);
        onSnapshot = () => {
          const found = snapshots.find(test);
          if (found) {
            clearTimeout(timeout);
            resolve(found);
          }
        };
        onSnapshot();
      });
    const hangers = (occupancy: Occupancy) => occupancy.totals.HANGER;
    const before = hangers(await nextSnapshot(() => true));
    log(`live: ${before.occupiedCount} of ${before.slotCount} hangers taken`);

    const ticket = await qrcoats.api.qr.issueWalkIn.mutate({ venueId: venue.id });
    log(`issued ticket ${ticket.number} at ${venue.name}`);

    const scanned = await qrcoats.api.qr.scan.mutate({ venueId: venue.id, code: ticket.url });
    log(`scanned: ${scanned.ticket.state}, can ${scanned.allowedActions.join(" / ")}, proposed slot ${scanned.proposedSlot?.number}`);

    // A venue that takes payment at check-in asks for it then; the bot's guests pay by card.
    const paid = { status: "PAID_CARD" as const };
    const checkedIn = await qrcoats.api.qr.checkIn.mutate({
      venueId: venue.id,
      code: ticket.code,
      ...(scanned.paymentDue.amountCents > 0 ? { payment: paid } : {}),
    });
    log(`checked in on slot ${checkedIn.ticket.slot?.number}`);
    const after = hangers(await nextSnapshot((occupancy) => hangers(occupancy).occupiedCount === before.occupiedCount + 1));
    log(`live: ${after.occupiedCount} of ${after.slotCount} hangers taken`);

    // A coat is not handed back unpaid without a word: what is still owed is paid now.
    const returned = await qrcoats.api.qr.checkOut.mutate({
      venueId: venue.id,
      code: ticket.code,
      ...(checkedIn.paymentDue.amountCents > 0 ? { payment: paid } : {}),
    });
    log(`checked out: ${returned.ticket.state}`);
    return { ticketNumber: ticket.number, slot: checkedIn.ticket.slot?.number ?? null, finalState: returned.ticket.state };
  } finally {
    stopWatching();
    await qrcoats.signOut();
  }
}
