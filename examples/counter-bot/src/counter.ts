import { createQRcoatsClient } from "@qrcoats/api/client";

export type Options = { url: string; email: string; password: string; log?: (line: string) => void };

/**
 * One coat through the counter, as an automated attendant: issue a walk-in ticket at the
 * first venue, scan it, hang it where the system proposes, and hand it back.
 */
export async function runCounter({ url, email, password, log = console.log }: Options) {
  const qrcoats = createQRcoatsClient({ url, email, password });
  try {
    const me = await qrcoats.api.auth.me.query();
    log(`signed in as ${me.user.name} (${me.membership?.role ?? "guest"} of ${me.membership?.organization.name ?? "no organization"})`);

    const { items: venues } = await qrcoats.api.venue.list.query({});
    log(`venues: ${venues.map((venue) => venue.name).join(", ")}`);
    const venue = venues[0];
    if (!venue) throw new Error("This organization has no venue yet.");

    const ticket = await qrcoats.api.qr.issueWalkIn.mutate({ venueId: venue.id });
    log(`issued ticket ${ticket.number} at ${venue.name}`);

    const scanned = await qrcoats.api.qr.scan.mutate({ venueId: venue.id, code: ticket.url });
    log(`scanned: ${scanned.ticket.state}, can ${scanned.allowedActions.join(" / ")}, proposed slot ${scanned.proposedSlot?.number}`);

    const checkedIn = await qrcoats.api.qr.checkIn.mutate({ venueId: venue.id, code: ticket.code });
    log(`checked in on slot ${checkedIn.ticket.slot?.number}`);

    const returned = await qrcoats.api.qr.checkOut.mutate({ venueId: venue.id, code: ticket.code });
    log(`checked out: ${returned.ticket.state}`);
    return { ticketNumber: ticket.number, slot: checkedIn.ticket.slot?.number ?? null, finalState: returned.ticket.state };
  } finally {
    await qrcoats.signOut();
  }
}
